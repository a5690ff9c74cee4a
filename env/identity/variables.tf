variable "tenant_id" {
  type        = string
  description = "The Entra tenant the subscription of env/ trusts (`az account show --query tenantId -o tsv`); the apps accept tokens of this tenant only."
  validation {
    condition     = can(regex("^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", var.tenant_id))
    error_message = "tenant_id must be a tenant GUID in lower case, e.g. from `az account show --query tenantId -o tsv`."
  }
}

variable "name_prefix" {
  type        = string
  description = "The name_prefix of the env/ deployment these applications serve (3 to 10 lower-case letters or digits); it names the applications."
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{2,9}$", var.name_prefix))
    error_message = "name_prefix must be the one env/ uses: 3 to 10 lower-case letters or digits, starting with a letter."
  }
}

variable "environment" {
  type        = string
  description = "The environment of that deployment: dev, test or prod."
  default     = "dev"
  validation {
    condition     = contains(["dev", "test", "prod"], var.environment)
    error_message = "environment must be one of dev, test or prod."
  }
}

variable "managed_identities" {
  type = object({
    api_management = string
    patient_tests  = string
  })
  description = "Principal (object) ids of the user-assigned identities env/ creates for API Management and the PatientTests app: the output managed_identity_principal_ids of env/ after its bootstrap (README.md, step 2)."
  validation {
    condition     = alltrue([for id in values(var.managed_identities) : can(regex("^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", id))])
    error_message = "managed_identities must give the principal id (a lower-case GUID) of api_management and of patient_tests, from `terraform output -json managed_identity_principal_ids` in env/."
  }
}

variable "auditor_object_ids" {
  type        = list(string)
  description = "Object ids of who may read the audit register: users, service principals, or Entra groups (assigning a group needs Entra ID P1 or P2). Empty: nobody reads it until named."
  default     = []
  validation {
    condition     = alltrue([for id in var.auditor_object_ids : can(regex("^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", id))])
    error_message = "Every auditor_object_ids entry must be an object id (a lower-case GUID), e.g. `az ad group show --group auditors --query id -o tsv`."
  }
}

variable "direct_caller_object_ids" {
  type        = list(string)
  description = "Object ids of service principals allowed to call the PatientTests API directly, inside the VNet, bypassing API Management; each is recorded in the audit register as itself. Empty (the default): API Management only."
  default     = []
  validation {
    condition     = alltrue([for id in var.direct_caller_object_ids : can(regex("^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", id))])
    error_message = "Every direct_caller_object_ids entry must be a service principal's object id (a lower-case GUID), e.g. `az ad sp show --id <client-id> --query id -o tsv`."
  }
}

variable "release_probe_object_ids" {
  type        = list(string)
  description = "Object ids of the identities the release check uses to prove that a valid token of the wrong identity is refused: the deploying identity of CD (AZURE_CLIENT_ID's service principal). They get a role that opens no function."
  default     = []
  validation {
    condition     = alltrue([for id in var.release_probe_object_ids : can(regex("^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", id))])
    error_message = "Every release_probe_object_ids entry must be a service principal's object id (a lower-case GUID)."
  }
}

variable "owner_object_ids" {
  type        = list(string)
  description = "Owners of the two applications and their service principals (who may change them later); at least one, usually the administrator applying this and a second person."
  validation {
    condition     = length(var.owner_object_ids) > 0 && alltrue([for id in var.owner_object_ids : can(regex("^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", id))])
    error_message = "owner_object_ids must name at least one owner by object id (a lower-case GUID), e.g. `az ad signed-in-user show --query id -o tsv`."
  }
}
