"""Oregon: ORS 181A.820-.829 and the Sanctuary Promise Act (2021), under which no public
resource may hold anyone for immigration enforcement. (`or_`: `or` is a Python keyword.)"""
