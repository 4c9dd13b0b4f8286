"""lockgw: a local lock gateway that speaks Seam's access-code API on the LAN."""
