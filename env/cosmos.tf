resource "azurerm_cosmosdb_account" "main" {
  #checkov:skip=CKV_AZURE_100: Encrypted at rest with Microsoft-managed keys; customer-managed keys are an organisation's choice (a Key Vault key, its rotation and access), listed in docs/security_pattern.md as an option.
  name                = "cosmos-${local.resource_prefix}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  offer_type          = "Standard"
  kind                = "MongoDB"
  # The mongodb 7.x driver refuses servers older than 4.4.
  mongo_server_version = "7.0"

  public_network_access_enabled         = false
  is_virtual_network_filter_enabled     = true
  network_acl_bypass_for_azure_services = false
  minimal_tls_version                   = "Tls12"
  # Keys cannot change databases, collections or throughput: only Terraform (ARM) can.
  access_key_metadata_writes_enabled = false
  automatic_failover_enabled         = true

  capabilities {
    name = "EnableMongo"
  }

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = azurerm_resource_group.main.location
    failover_priority = 0
    zone_redundant    = var.environment == "prod"
  }

  backup {
    type = "Continuous"
    tier = "Continuous7Days"
  }

  tags = local.tags
}

# One database per app, each with autoscale throughput shared by its collections.
resource "azurerm_cosmosdb_mongo_database" "main" {
  for_each            = local.databases
  name                = each.value
  resource_group_name = azurerm_resource_group.main.name
  account_name        = azurerm_cosmosdb_account.main.name

  autoscale_settings {
    max_throughput = var.cosmos_max_throughput
  }
}

# The collections, shard keys and indexes the code relies on (the apps also create the indexes at start,
# idempotently, for databases Terraform did not make, e.g. a local MongoDB).
locals {
  mongo_collections = {
    patients = {
      database  = "patient_tests"
      shard_key = "_shardKey"
      # Every searchable patient field and the birth-date range (src/PatientTestsApi/src/data/patient-tests-indexes.ts).
      indexes = [["firstName"], ["lastName"], ["fullName"], ["gender"], ["postCode"], ["insuranceNumber"], ["preferredContactNumber"], ["lastUpdated"], ["_dateOfBirthDate"]]
    }
    patient_versions = {
      database  = "patient_tests"
      shard_key = "_shardKey"
      # Every version of a patient, immutable; the newest first by sorting this index in full reverse
      # (src/PatientTestsApi/src/data/patient-tests-indexes.ts).
      indexes = [["_shardKey", "_version"]]
    }
    tests = {
      database  = "patient_tests"
      shard_key = "_shardKey"
      # A patient's tests in creation order.
      indexes = [["_shardKey", "lastUpdated", "_id"]]
    }
    idempotency_keys = {
      database  = "patient_tests"
      shard_key = "_id"
      # Claims are found by _id only. Cosmos DB deletes each one this long after its last write (the TTL
      # index on _ts that default_ttl_seconds declares); they are never updated.
      indexes             = []
      default_ttl_seconds = local.idempotency_key_ttl_seconds
    }
    audit_records = {
      database  = "audit"
      shard_key = "_id"
      # By resource and by type, by actor, by time alone, each by date; and by operation
      # (src/AuditApi/src/data/audit-indexes.ts). azurerm declares compound keys ascending; the code's
      # newest-first sorts read them in full reverse.
      indexes = [["resource.type", "resource.id", "createdDate", "_id"], ["resource.type", "createdDate", "_id"], ["actor.id", "createdDate", "_id"], ["createdDate", "_id"], ["correlationId"]]
    }
  }
}

resource "azurerm_cosmosdb_mongo_collection" "main" {
  for_each            = local.mongo_collections
  name                = local.collections[each.key]
  resource_group_name = azurerm_resource_group.main.name
  account_name        = azurerm_cosmosdb_account.main.name
  database_name       = azurerm_cosmosdb_mongo_database.main[each.value.database].name
  shard_key           = each.value.shard_key
  default_ttl_seconds = try(each.value.default_ttl_seconds, null)

  index {
    keys   = ["_id"]
    unique = true
  }

  dynamic "index" {
    for_each = each.value.indexes
    content {
      keys   = index.value
      unique = false
    }
  }
}

resource "azurerm_private_endpoint" "cosmos" {
  name                = "pe-${local.resource_prefix}-cosmos"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  subnet_id           = azurerm_subnet.private_endpoints["data"].id
  tags                = local.tags

  private_service_connection {
    name                           = "cosmos-mongo"
    private_connection_resource_id = azurerm_cosmosdb_account.main.id
    subresource_names              = ["MongoDB"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "cosmos-mongo"
    private_dns_zone_ids = [azurerm_private_dns_zone.main["cosmos_mongo"].id]
  }
}

locals {
  # Cosmos DB for MongoDB does not support retryable writes; the driver must not try them.
  cosmos_connection_string = (
    strcontains(lower(azurerm_cosmosdb_account.main.primary_mongodb_connection_string), "retrywrites=")
    ? replace(azurerm_cosmosdb_account.main.primary_mongodb_connection_string, "/(?i)retrywrites=[a-z]+/", "retrywrites=false")
    : "${azurerm_cosmosdb_account.main.primary_mongodb_connection_string}&retrywrites=false"
  )
}
