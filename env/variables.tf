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

variable "deployment_ip_ranges" {
  type        = list(string)
  description = "CIDR ranges allowed to reach the function apps' deployment (SCM) endpoint, e.g. the CI runner's; empty means none."
  default     = []
  validation {
    condition     = alltrue([for range in var.deployment_ip_ranges : can(cidrhost(range, 0))])
    error_message = "Every entry of deployment_ip_ranges must be a CIDR block, e.g. 203.0.113.10/32."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource."
  default     = {}
}
