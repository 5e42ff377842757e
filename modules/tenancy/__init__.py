"""The Tenancy module: users, companies, vendors, vendor teams and their roles."""
