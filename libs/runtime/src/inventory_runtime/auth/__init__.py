"""Identity and access for every service: who is calling (a verified OIDC/JWT bearer token or
session cookie) and whether their roles grant the permission a route declares."""
