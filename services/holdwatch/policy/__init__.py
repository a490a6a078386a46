"""The law the engine applies: a jurisdiction-neutral core, one package per jurisdiction
(`us`, `ca`, `tx`) with its profiles' data and the rules its law needs, and the registry
that binds each profile id to them."""
