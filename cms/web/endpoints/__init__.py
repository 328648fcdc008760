"""Plain HTTP endpoints beside GraphQL: view beacons, newsletter links, feeds and sitemaps."""
