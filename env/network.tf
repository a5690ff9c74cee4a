resource "azurerm_virtual_network" "main" {
  name                = "vnet-${local.resource_prefix}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  address_space       = [var.address_space]
  tags                = local.tags
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

# Private endpoints: one subnet per app's inbound endpoint (their NSGs say who may call), one for data.
resource "azurerm_subnet" "private_endpoints" {
  for_each = {
    patient_tests_inbound = local.subnets.patient_tests_inbound
    audit_inbound         = local.subnets.audit_inbound
    data                  = local.subnets.data
  }
  name                 = "snet-pe-${replace(each.key, "_", "-")}"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [each.value]
  # NSGs apply to private endpoint traffic only with network policies on.
  private_endpoint_network_policies = "Enabled"
}

# --- Network security groups ---------------------------------------------------------------------

resource "azurerm_network_security_group" "apim" {
  name                = "nsg-${local.resource_prefix}-apim"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags

  # The rules API Management needs in a VNet (External mode), and nothing more.
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
  security_rule {
    name                       = "allow-storage-outbound"
    priority                   = 100
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "Storage"
  }
  security_rule {
    name                       = "allow-sql-outbound"
    priority                   = 110
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "Sql"
  }
  security_rule {
    name                       = "allow-key-vault-outbound"
    priority                   = 120
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "AzureKeyVault"
  }
  security_rule {
    name                       = "allow-monitor-outbound"
    priority                   = 130
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = ["443", "1886"]
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "AzureMonitor"
  }
}

resource "azurerm_subnet_network_security_group_association" "apim" {
  subnet_id                 = azurerm_subnet.apim.id
  network_security_group_id = azurerm_network_security_group.apim.id
}

# Who may reach which private endpoint: the inbound endpoint of each app accepts HTTPS from one
# subnet only; the data endpoints accept the two apps' outbound subnets and API Management (Key Vault).
locals {
  endpoint_callers = {
    patient_tests_inbound = { sources = [local.subnets.apim], ports = ["443"] }
    audit_inbound         = { sources = [local.subnets.patient_tests_outbound], ports = ["443"] }
    data = {
      sources = [local.subnets.patient_tests_outbound, local.subnets.audit_outbound, local.subnets.apim]
      ports   = ["443", "10255"]
    }
  }
}

resource "azurerm_network_security_group" "private_endpoints" {
  for_each            = local.endpoint_callers
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
    destination_port_ranges    = each.value.ports
    source_address_prefixes    = each.value.sources
    destination_address_prefix = local.subnets[each.key]
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
  for_each                  = local.endpoint_callers
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
}

resource "azurerm_private_dns_zone" "main" {
  for_each            = local.private_dns_zones
  name                = each.value
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "main" {
  for_each             = local.private_dns_zones
  name                 = "link-${replace(each.key, "_", "-")}"
  private_dns_zone_id  = azurerm_private_dns_zone.main[each.key].id
  virtual_network_id   = azurerm_virtual_network.main.id
  registration_enabled = false
  tags                 = local.tags
}

# The outbound-integration subnets take no inbound traffic at all.
resource "azurerm_network_security_group" "function_outbound" {
  for_each            = toset(["patient_tests", "audit"])
  name                = "nsg-${local.resource_prefix}-${replace(each.key, "_", "-")}-outbound"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags

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

resource "azurerm_subnet_network_security_group_association" "function_outbound" {
  for_each                  = toset(["patient_tests", "audit"])
  subnet_id                 = azurerm_subnet.function_outbound[each.key].id
  network_security_group_id = azurerm_network_security_group.function_outbound[each.key].id
}
