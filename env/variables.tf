variable "subscription_id" {
  type        = string
  description = "The Azure subscription to deploy into (a GUID)."
  validation {
    condition     = can(regex("^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$", var.subscription_id))
    error_message = "subscription_id must be a subscription GUID, e.g. from `az account show --query id -o tsv`."
  }
}

variable "location" {
  type        = string
  description = "Azure region for every resource, e.g. westeurope. It must offer Flex Consumption and Cosmos DB for MongoDB 7.0."
  default     = "westeurope"
  validation {
    condition     = can(regex("^[a-z]+[a-z0-9]*$", var.location))
    error_message = "location must be a region name in lower case without spaces, e.g. westeurope (see `az account list-locations -o table`)."
  }
}

variable "name_prefix" {
  type        = string
  description = "Short prefix for every resource name (3 to 10 lower-case letters or digits, starting with a letter); keep it unique per environment."
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{2,9}$", var.name_prefix))
    error_message = "name_prefix must be 3 to 10 lower-case letters or digits and start with a letter, e.g. pt01dev; storage account names are built from it."
  }
}

variable "environment" {
  type        = string
  description = "Environment tag: dev, test or prod."
  default     = "dev"
  validation {
    condition     = contains(["dev", "test", "prod"], var.environment)
    error_message = "environment must be one of dev, test or prod."
  }
}

variable "address_space" {
  type        = string
  description = "The VNet's address space, a /22 or larger (six subnets are cut from it)."
  default     = "10.20.0.0/22"
  validation {
    condition     = can(cidrhost(var.address_space, 0)) && tonumber(split("/", var.address_space)[1]) <= 22
    error_message = "address_space must be a CIDR block of size /22 or larger, e.g. 10.20.0.0/22."
  }
}

variable "apim_sku" {
  type        = string
  description = "API Management SKU with VNet injection: Developer_1 (no SLA, for dev/test) or Premium_N."
  default     = "Developer_1"
  validation {
    condition     = can(regex("^(Developer_1|Premium_[1-9][0-9]*)$", var.apim_sku))
    error_message = "apim_sku must be Developer_1 or Premium_N: only these tiers can be injected into a VNet (the only public entry must sit in it)."
  }
  validation {
    condition     = var.environment != "prod" || (can(regex("^Premium_[0-9]+$", var.apim_sku)) && try(tonumber(split("_", var.apim_sku)[1]) % 3 == 0, false))
    error_message = "In prod, apim_sku must be Premium_3, Premium_6, …: the only tier with availability zones, with at least the three units Microsoft recommends, spread evenly over three zones (env/apim.tf)."
  }
}

variable "apim_publisher_name" {
  type        = string
  description = "Organisation name shown in the API Management developer portal and e-mails."
  validation {
    condition     = length(trimspace(var.apim_publisher_name)) > 0 && length(var.apim_publisher_name) <= 100
    error_message = "apim_publisher_name must be 1 to 100 characters."
  }
}

variable "apim_publisher_email" {
  type        = string
  description = "E-mail address API Management sends notifications to."
  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.apim_publisher_email))
    error_message = "apim_publisher_email must be an e-mail address, e.g. api-team@example.org."
  }
}

variable "cosmos_max_throughput" {
  type        = number
  description = "Autoscale maximum RU/s of each database (1000 to 1000000, a multiple of 1000)."
  default     = 1000
  validation {
    condition     = var.cosmos_max_throughput >= 1000 && var.cosmos_max_throughput <= 1000000 && var.cosmos_max_throughput % 1000 == 0
    error_message = "cosmos_max_throughput must be a multiple of 1000 between 1000 and 1000000 (autoscale maximum RU/s)."
  }
}

variable "function_max_instances" {
  type        = number
  description = "Upper bound of Flex Consumption instances per function app (40 to 1000)."
  default     = 40
  validation {
    condition     = var.function_max_instances >= 40 && var.function_max_instances <= 1000
    error_message = "function_max_instances must be between 40 and 1000."
  }
}

variable "deployment_peered_cidrs" {
  type        = list(string)
  description = "Address ranges of deployment runners in networks peered to this VNet (a hub, a build network), admitted where the subnet snet-deployment-runner is admitted: Key Vault and both apps' private endpoints. Empty when the runner sits in snet-deployment-runner."
  default     = []
  validation {
    condition     = alltrue([for range in var.deployment_peered_cidrs : can(cidrhost(range, 0))])
    error_message = "Every entry of deployment_peered_cidrs must be a CIDR block, e.g. 10.50.4.0/27."
  }
}

variable "deployment_peered_virtual_network_ids" {
  type        = list(string)
  description = "Resource ids of the peered networks those runners sit in: the private DNS zones are linked to them, so the runners resolve the private endpoints. The peering itself is the network owner's to create."
  default     = []
  validation {
    condition     = alltrue([for id in var.deployment_peered_virtual_network_ids : can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Network/virtualNetworks/[^/]+$", id))])
    error_message = "Every entry of deployment_peered_virtual_network_ids must be a virtual network resource id, e.g. /subscriptions/<id>/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub."
  }
}

variable "database_credentials" {
  type = object({
    active      = string
    generations = map(number)
  })
  description = "Which of each app's two database users the apps connect as (blue or green), and a generation number per user: raising a user's generation gives it a new password. Rotate by raising the inactive user's generation, then switching active to it (docs/key_rotation.md)."
  default = {
    active      = "blue"
    generations = { blue = 1, green = 1 }
  }
  validation {
    condition     = contains(["blue", "green"], var.database_credentials.active) && toset(keys(var.database_credentials.generations)) == toset(["blue", "green"])
    error_message = "database_credentials.active must be blue or green, and generations must give a number for blue and for green."
  }
}

variable "secret_writer_object_ids" {
  type        = list(string)
  description = "Object ids of the service principals that write Key Vault secrets when they apply (Key Vault Secrets Officer on the vault): CD's deploy identity. With secret_writer_user_object_ids both empty: whoever runs Terraform. Set it for CD, where plans are made by a read-only identity."
  default     = []
  validation {
    condition     = alltrue([for id in var.secret_writer_object_ids : can(regex("^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$", id))])
    error_message = "Every entry of secret_writer_object_ids must be an object id (a GUID), e.g. from `az ad sp show --id <client-id> --query id -o tsv`."
  }
}

variable "secret_writer_user_object_ids" {
  type        = list(string)
  description = "Object ids of the people who write Key Vault secrets when they apply (the person who bootstraps). CD's deploy identity may assign roles to service principals only, so it can keep these assignments but not add or remove one: change this list in an apply of your own, and keep the repository variable SECRET_WRITER_USER_OBJECT_IDS the same."
  default     = []
  validation {
    condition     = alltrue([for id in var.secret_writer_user_object_ids : can(regex("^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$", id))])
    error_message = "Every entry of secret_writer_user_object_ids must be an object id (a GUID), e.g. from `az ad signed-in-user show --query id -o tsv`."
  }
  validation {
    condition     = length(setintersection(var.secret_writer_user_object_ids, var.secret_writer_object_ids)) == 0
    error_message = "An object id is either a person's (secret_writer_user_object_ids) or a service principal's (secret_writer_object_ids), not both."
  }
}

variable "rbac_propagation_wait" {
  type        = string
  description = "How long to wait after role assignments before using them on a data plane (Key Vault secrets, host storage), e.g. 120s. Azure documents up to 10 minutes; a first apply that still meets a 403 can simply be run again."
  default     = "120s"
  validation {
    condition     = can(regex("^[0-9]+(s|m)$", var.rbac_propagation_wait))
    error_message = "rbac_propagation_wait must be a duration in seconds or minutes, e.g. 120s or 3m."
  }
}

variable "entra" {
  type = object({
    tenant_id                   = string
    patient_tests_api_client_id = string
    audit_api_client_id         = string
    auditor_object_ids          = optional(list(string), [])
    direct_caller_object_ids    = optional(list(string), [])
    release_probe_object_ids    = optional(list(string), [])
  })
  default     = null
  description = "What the administrator's module env/identity made for this environment: its output main_configuration, as is (README.md, step 3); only the bootstrap (step 2) runs without it. The two API applications' client ids are the audiences of the tokens the apps accept; the object id lists say who holds the auditors', direct callers' and release probe's roles."
  validation {
    condition = var.entra == null ? true : alltrue([
      for id in concat([var.entra.tenant_id, var.entra.patient_tests_api_client_id, var.entra.audit_api_client_id], var.entra.auditor_object_ids, var.entra.direct_caller_object_ids, var.entra.release_probe_object_ids) :
      can(regex("^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", id))
    ])
    error_message = "Every id in entra must be a lower-case GUID: take env/identity's output as it is (terraform -chdir=env/identity output -json main_configuration)."
  }
  validation {
    condition     = var.entra == null ? true : !contains([var.entra.tenant_id, var.entra.patient_tests_api_client_id, var.entra.audit_api_client_id], "00000000-0000-0000-0000-000000000000")
    error_message = "entra still holds the placeholder zeros: put env/identity's output here (terraform -chdir=env/identity output -json main_configuration)."
  }
  validation {
    condition     = var.entra == null ? true : var.entra.patient_tests_api_client_id != var.entra.audit_api_client_id
    error_message = "entra names the same application for both APIs: a token for one would open the other. Take the two client ids from env/identity's output."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource."
  default     = {}
}

variable "alert_email_receivers" {
  type = list(object({
    name  = string
    email = string
  }))
  description = "Who is e-mailed when an alert fires (docs/operations.md says what each alert means and what to do): a short name and an address each. Empty: the alerts still fire and show in the portal, but notify nobody."
  default     = []
  validation {
    condition     = alltrue([for receiver in var.alert_email_receivers : length(trimspace(receiver.name)) > 0 && can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", receiver.email))])
    error_message = "Every entry of alert_email_receivers needs a non-empty name and an e-mail address, e.g. { name = \"on-call\", email = \"oncall@example.org\" }."
  }
  validation {
    condition     = length(distinct([for receiver in var.alert_email_receivers : receiver.name])) == length(var.alert_email_receivers)
    error_message = "The names in alert_email_receivers must be unique: the action group tells its receivers apart by name."
  }
}

variable "audit_log_retention_days" {
  type        = number
  description = "How long the data-plane audit logs (Key Vault AuditEvent, Cosmos DB MongoRequests, API Management GatewayLogs) are kept in all, in days: searchable for the workspace's 90 days, then in long-term retention. 2191 (six years) by default, the period HIPAA sets for keeping its required documentation; choose your own period with your compliance officer."
  default     = 2191
  validation {
    condition     = (var.audit_log_retention_days >= 90 && var.audit_log_retention_days <= 730) || contains([1095, 1460, 1826, 2191, 2556, 2922, 3288, 3653, 4018, 4383], var.audit_log_retention_days)
    error_message = "audit_log_retention_days must be 90 to 730, or a whole number of years that Log Analytics accepts: 1095, 1460, 1826, 2191, 2556, 2922, 3288, 3653, 4018 or 4383 (3 to 12 years)."
  }
}
