"""New Jersey: the Immigrant Trust Directive (AG Directive 2018-6), under which a hold is
allowed only when its criteria are met, and then only until the end of the release day."""
