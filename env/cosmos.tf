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

  # Database users with roles (below): each app gets a credential for its own database only, never the
  # account key.
  capabilities {
    name = "EnableMongoRoleBasedAccessControl"
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

# The collections, shard keys and indexes each app declares for its queries, read from the app's own file
# (src/*/src/data/mongo-collections.json). Terraform is their only owner in Azure: the apps never create
# an index there (account keys cannot change metadata, above), and a test records every query the stores
# send and checks it against these declarations.
locals {
  declared_collections = {
    patient_tests = jsondecode(file("${path.module}/../src/PatientTestsApi/src/data/mongo-collections.json")).collections
    audit         = jsondecode(file("${path.module}/../src/AuditApi/src/data/mongo-collections.json")).collections
  }
  mongo_collections = merge([
    for database, collections in local.declared_collections : {
      for key, collection in collections : key => {
        database    = database
        shard_key   = collection.shardKey
        ttl_seconds = try(collection.ttlSeconds, null)
        index_keys  = [for index in collection.indexes : index.keys]
      }
    }
  ]...)
}

resource "azurerm_cosmosdb_mongo_collection" "main" {
  for_each            = local.mongo_collections
  name                = local.collections[each.key]
  resource_group_name = azurerm_resource_group.main.name
  account_name        = azurerm_cosmosdb_account.main.name
  database_name       = azurerm_cosmosdb_mongo_database.main[each.value.database].name
  shard_key           = each.value.shard_key
  # Documents expire this long after their last write (an index on _ts; the idempotency keys).
  default_ttl_seconds = each.value.ttl_seconds

  # azurerm refuses a collection without an index on _id (and the provider's own acceptance tests declare
  # it unique, as here).
  index {
    keys   = ["_id"]
    unique = true
  }

  dynamic "index" {
    for_each = each.value.index_keys
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
  subnet_id           = azurerm_subnet.private_endpoints["cosmos"].id
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

# Each app's database user: a role on its own database only (Cosmos DB for MongoDB role-based access
# control: users and roles cannot span databases), so one app's credential cannot touch the other's data.
# The Audit API may only insert and find: the register is append-only at the database, not just in code.
# Neither app may create or drop collections or indexes: Terraform owns those (above). The account keys
# exist (key authentication cannot be switched off for MongoDB accounts) and no app uses them; every refresh
# writes them into the state, which is why the state is guarded as the most sensitive secret (README.md, "State").
locals {
  database_users = {
    patient_tests = { username = "patient-tests-api", actions = ["find", "insert", "update"] }
    audit         = { username = "audit-api", actions = ["find", "insert"] }
  }
}

resource "azurerm_cosmosdb_mongo_role_definition" "app" {
  for_each                 = local.database_users
  cosmos_mongo_database_id = azurerm_cosmosdb_mongo_database.main[each.key].id
  role_name                = "${each.value.username}-role"

  privilege {
    actions = each.value.actions
    resource {
      db_name = azurerm_cosmosdb_mongo_database.main[each.key].name
    }
  }
}

# Two users per app, so a password changes without a failed request: the apps use the active one while
# the other gets a new password; then the apps switch, and the old one waits for the next rotation
# (docs/key_rotation.md, "Database users").
locals {
  database_user_slots = merge([
    for app, user in local.database_users : {
      for slot in ["blue", "green"] : "${app}-${slot}" => { app = app, username = "${user.username}-${slot}", slot = slot }
    }
  ]...)
}

resource "random_password" "database_user" {
  for_each = local.database_user_slots
  length   = 40
  special  = false
  keepers = {
    generation = var.database_credentials.generations[each.value.slot]
  }
}

resource "azurerm_cosmosdb_mongo_user_definition" "app" {
  for_each                 = local.database_user_slots
  cosmos_mongo_database_id = azurerm_cosmosdb_mongo_database.main[each.value.app].id
  username                 = each.value.username
  password                 = random_password.database_user[each.key].result
  inherited_role_names     = [azurerm_cosmosdb_mongo_role_definition.app[each.value.app].role_name]
}

locals {
  # What each app connects with: its own user, authenticated against its own database. Cosmos DB for
  # MongoDB does not support retryable writes, so the driver must not try them, and it closes idle
  # connections after about four minutes. (The portal's appName=@<account>@ is left out: each app names
  # itself to the driver, which wins over the URI.)
  mongodb_uri = {
    for app in keys(local.database_users) : app => format(
      "mongodb://%s:%s@%s.mongo.cosmos.azure.com:10255/%s?ssl=true&replicaSet=globaldb&retrywrites=false&maxIdleTimeMS=120000&authMechanism=SCRAM-SHA-256&authSource=%s",
      urlencode(azurerm_cosmosdb_mongo_user_definition.app["${app}-${var.database_credentials.active}"].username),
      urlencode(azurerm_cosmosdb_mongo_user_definition.app["${app}-${var.database_credentials.active}"].password),
      azurerm_cosmosdb_account.main.name,
      azurerm_cosmosdb_mongo_database.main[app].name,
      azurerm_cosmosdb_mongo_database.main[app].name,
    )
  }
}
