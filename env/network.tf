resource "azurerm_virtual_network" "main" {
  name                = "vnet-${local.resource_prefix}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  address_space       = [var.address_space]
  tags                = local.tags
}

# Who may reach what is decided here, by one network security group per subnet: every private endpoint
# sits in a subnet of its own kind, whose NSG admits exactly its callers on exactly its port, and every
# subnet that calls out (API Management, each app's VNet integration, the deployment runner) denies by
# default what it does not need. env/tests/reachability.py computes the resulting matrix from this file and
# a test asserts it (docs/security_pattern.md shows it).
locals {
  # Where the deployment runs from: the runner subnet here, and any peered network declared for it.
  deployment_sources = concat([local.subnets.deployment_runner], var.deployment_peered_cidrs)
}

# API Management, injected in External mode: its gateway is the only public entry.
resource "azurerm_subnet" "apim" {
  name                 = "snet-apim"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [local.subnets.apim]
}

# Outbound VNet integration, one subnet per app so that "Audit only from PatientTests" is a subnet rule.
resource "azurerm_subnet" "function_outbound" {
  for_each             = { patient_tests = local.subnets.patient_tests_outbound, audit = local.subnets.audit_outbound }
  name                 = "snet-${replace(each.key, "_", "-")}-outbound"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [each.value]

  # Flex Consumption integrates through a subnet delegated to Container Apps environments.
  delegation {
    name = "flex-consumption"
    service_delegation {
      name    = "Microsoft.App/environments"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

# A self-hosted CI runner (or any machine) here can write Key Vault secrets during apply and deploy the
# apps' code: everything it must reach has a private endpoint only (env/README.md, "First deployment").
resource "azurerm_subnet" "deployment_runner" {
  name                 = "snet-deployment-runner"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [local.subnets.deployment_runner]
  # The state's storage account (made before env/, README.md "State") admits this subnet and nothing else once
  # the bootstrap is done: its requests reach it from this subnet through the service endpoint.
  service_endpoint {
    service = "Microsoft.Storage"
  }
}

# Private endpoints: one subnet per kind of endpoint, so each NSG below speaks for one destination.
locals {
  private_endpoint_subnets = {
    patient_tests_inbound = local.subnets.patient_tests_inbound
    audit_inbound         = local.subnets.audit_inbound
    key_vault             = local.subnets.key_vault
    cosmos                = local.subnets.cosmos
    patient_tests_storage = local.subnets.patient_tests_storage
    audit_storage         = local.subnets.audit_storage
  }
}

resource "azurerm_subnet" "private_endpoints" {
  for_each             = local.private_endpoint_subnets
  name                 = "snet-pe-${replace(each.key, "_", "-")}"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [each.value]
  # NSGs apply to private endpoint traffic only with network policies on.
  private_endpoint_network_policies = "Enabled"
}

# --- API Management ------------------------------------------------------------------------------

resource "azurerm_network_security_group" "apim" {
  name                = "nsg-${local.resource_prefix}-apim"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags

  # Inbound: what API Management needs in a VNet in External mode (Azure docs, "Virtual network
  # configuration reference: API Management"), and nothing more.
  security_rule {
    name                       = "allow-https-from-internet"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "Internet"
    destination_address_prefix = "VirtualNetwork"
  }
  security_rule {
    name                       = "allow-management-endpoint"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3443"
    source_address_prefix      = "ApiManagement"
    destination_address_prefix = "VirtualNetwork"
  }
  security_rule {
    name                       = "allow-load-balancer"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "6390"
    source_address_prefix      = "AzureLoadBalancer"
    destination_address_prefix = "VirtualNetwork"
  }
  security_rule {
    # Units of one instance sync rate-limit counters and caches with each other (Premium with several units).
    name                       = "allow-within-subnet"
    priority                   = 130
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = local.subnets.apim
    destination_address_prefix = local.subnets.apim
  }
  security_rule {
    name                       = "deny-other-inbound"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  # Outbound inside the VNet: the PatientTests app, nothing else: not Key Vault (API Management reads no
  # secret), not the Audit app, not the database, not the apps' storage. Outbound to Azure services (Storage,
  # Sql, Key Vault, Monitor, Entra ID for its tokens) and the Internet (certificate checks, NTP, updates)
  # stays open, as the same Azure reference requires for the service to run.
  security_rule {
    name                       = "allow-patient-tests-endpoint"
    priority                   = 100
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = local.subnets.apim
    destination_address_prefix = local.subnets.patient_tests_inbound
  }
  security_rule {
    name                       = "allow-within-subnet"
    priority                   = 110
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = local.subnets.apim
    destination_address_prefix = local.subnets.apim
  }
  security_rule {
    name                       = "deny-rest-of-vnet"
    priority                   = 4000
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "VirtualNetwork"
  }
}

resource "azurerm_subnet_network_security_group_association" "apim" {
  subnet_id                 = azurerm_subnet.apim.id
  network_security_group_id = azurerm_network_security_group.apim.id
}

# --- The apps' VNet integration: deny by default ------------------------------------------------

# PatientTests holds patient data: it may reach the Audit app, Key Vault (its references), the database,
# its own host storage and App Insights, and nothing else; no Internet.
resource "azurerm_network_security_group" "patient_tests_outbound" {
  name                = "nsg-${local.resource_prefix}-patient-tests-outbound"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags

  security_rule {
    name                         = "allow-https-to-own-endpoints"
    priority                     = 100
    direction                    = "Outbound"
    access                       = "Allow"
    protocol                     = "Tcp"
    source_port_range            = "*"
    destination_port_range       = "443"
    source_address_prefix        = local.subnets.patient_tests_outbound
    destination_address_prefixes = [local.subnets.audit_inbound, local.subnets.key_vault, local.subnets.patient_tests_storage]
  }
  security_rule {
    name                       = "allow-database"
    priority                   = 110
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "10255"
    source_address_prefix      = local.subnets.patient_tests_outbound
    destination_address_prefix = local.subnets.cosmos
  }
  security_rule {
    name                       = "allow-monitoring"
    priority                   = 120
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = local.subnets.patient_tests_outbound
    destination_address_prefix = "AzureMonitor"
  }
  security_rule {
    # Entra ID: the issuer's signing keys (login.microsoftonline.com, fetched to check every caller's token) and
    # managed identity tokens, should the platform route them through the integration subnet.
    name                       = "allow-entra-id"
    priority                   = 130
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = local.subnets.patient_tests_outbound
    destination_address_prefix = "AzureActiveDirectory"
  }
  security_rule {
    name                       = "deny-all-outbound"
    priority                   = 4000
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "deny-all-inbound"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

# Audit: Key Vault, the database, its own host storage and App Insights; not the PatientTests app.
resource "azurerm_network_security_group" "audit_outbound" {
  name                = "nsg-${local.resource_prefix}-audit-outbound"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags

  security_rule {
    name                         = "allow-https-to-own-endpoints"
    priority                     = 100
    direction                    = "Outbound"
    access                       = "Allow"
    protocol                     = "Tcp"
    source_port_range            = "*"
    destination_port_range       = "443"
    source_address_prefix        = local.subnets.audit_outbound
    destination_address_prefixes = [local.subnets.key_vault, local.subnets.audit_storage]
  }
  security_rule {
    name                       = "allow-database"
    priority                   = 110
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "10255"
    source_address_prefix      = local.subnets.audit_outbound
    destination_address_prefix = local.subnets.cosmos
  }
  security_rule {
    name                       = "allow-monitoring"
    priority                   = 120
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = local.subnets.audit_outbound
    destination_address_prefix = "AzureMonitor"
  }
  security_rule {
    # Entra ID: the issuer's signing keys (login.microsoftonline.com, fetched to check every caller's token) and
    # managed identity tokens, should the platform route them through the integration subnet.
    name                       = "allow-entra-id"
    priority                   = 130
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = local.subnets.audit_outbound
    destination_address_prefix = "AzureActiveDirectory"
  }
  security_rule {
    name                       = "deny-all-outbound"
    priority                   = 4000
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "deny-all-inbound"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "patient_tests_outbound" {
  subnet_id                 = azurerm_subnet.function_outbound["patient_tests"].id
  network_security_group_id = azurerm_network_security_group.patient_tests_outbound.id
}

resource "azurerm_subnet_network_security_group_association" "audit_outbound" {
  subnet_id                 = azurerm_subnet.function_outbound["audit"].id
  network_security_group_id = azurerm_network_security_group.audit_outbound.id
}

# --- Deployment runner ---------------------------------------------------------------------------

# Key Vault (secrets during apply) and both apps' private endpoints (their deployment endpoints, and the
# host status call after a deploy); the Internet on 443 and 80 (GitHub, Azure Resource Manager, Entra ID,
# package registries). Not the database, not the apps' storage. Nothing comes in.
resource "azurerm_network_security_group" "deployment_runner" {
  name                = "nsg-${local.resource_prefix}-deployment-runner"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags

  security_rule {
    name                         = "allow-deployment-endpoints"
    priority                     = 100
    direction                    = "Outbound"
    access                       = "Allow"
    protocol                     = "Tcp"
    source_port_range            = "*"
    destination_port_range       = "443"
    source_address_prefix        = local.subnets.deployment_runner
    destination_address_prefixes = [local.subnets.key_vault, local.subnets.patient_tests_inbound, local.subnets.audit_inbound]
  }
  security_rule {
    name                       = "deny-rest-of-vnet"
    priority                   = 3900
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "VirtualNetwork"
  }
  security_rule {
    # 80 as well: the runner machine's own package mirrors (apt) speak plain HTTP, signed.
    name                       = "allow-web-to-internet"
    priority                   = 3950
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = ["80", "443"]
    source_address_prefix      = local.subnets.deployment_runner
    destination_address_prefix = "Internet"
  }
  security_rule {
    name                       = "deny-all-outbound"
    priority                   = 4000
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "deny-all-inbound"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "deployment_runner" {
  subnet_id                 = azurerm_subnet.deployment_runner.id
  network_security_group_id = azurerm_network_security_group.deployment_runner.id
}

# --- Private endpoint subnets: each admits its callers only --------------------------------------

locals {
  # Callers and port of each private endpoint subnet.
  endpoint_callers = {
    patient_tests_inbound = { port = "443", sources = concat([local.subnets.apim], local.deployment_sources) }
    audit_inbound         = { port = "443", sources = concat([local.subnets.patient_tests_outbound], local.deployment_sources) }
    key_vault             = { port = "443", sources = concat([local.subnets.patient_tests_outbound, local.subnets.audit_outbound], local.deployment_sources) }
    cosmos                = { port = "10255", sources = [local.subnets.patient_tests_outbound, local.subnets.audit_outbound] }
    patient_tests_storage = { port = "443", sources = [local.subnets.patient_tests_outbound] }
    audit_storage         = { port = "443", sources = [local.subnets.audit_outbound] }
  }
}

resource "azurerm_network_security_group" "private_endpoints" {
  for_each            = local.private_endpoint_subnets
  name                = "nsg-${local.resource_prefix}-pe-${replace(each.key, "_", "-")}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags

  security_rule {
    name                       = "allow-callers"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = local.endpoint_callers[each.key].port
    source_address_prefixes    = local.endpoint_callers[each.key].sources
    destination_address_prefix = each.value
  }
  security_rule {
    name                       = "deny-everything-else"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "private_endpoints" {
  for_each                  = local.private_endpoint_subnets
  subnet_id                 = azurerm_subnet.private_endpoints[each.key].id
  network_security_group_id = azurerm_network_security_group.private_endpoints[each.key].id
}

# --- Private DNS ---------------------------------------------------------------------------------

locals {
  private_dns_zones = {
    cosmos_mongo = "privatelink.mongo.cosmos.azure.com"
    key_vault    = "privatelink.vaultcore.azure.net"
    blob         = "privatelink.blob.core.windows.net"
    queue        = "privatelink.queue.core.windows.net"
    table        = "privatelink.table.core.windows.net"
    sites        = "privatelink.azurewebsites.net"
  }
  # Each zone is linked to this VNet and to every network a deployment runner sits in.
  dns_zone_links = merge(
    { for zone in keys(local.private_dns_zones) : "${zone}-main" => { zone = zone, virtual_network_id = azurerm_virtual_network.main.id } },
    merge([
      for index, network in var.deployment_peered_virtual_network_ids : {
        for zone in keys(local.private_dns_zones) : "${zone}-runner-${index}" => { zone = zone, virtual_network_id = network }
      }
    ]...),
  )
}

resource "azurerm_private_dns_zone" "main" {
  for_each            = local.private_dns_zones
  name                = each.value
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "main" {
  for_each             = local.dns_zone_links
  name                 = "link-${replace(each.key, "_", "-")}"
  private_dns_zone_id  = azurerm_private_dns_zone.main[each.value.zone].id
  virtual_network_id   = each.value.virtual_network_id
  registration_enabled = false
  tags                 = local.tags
}
