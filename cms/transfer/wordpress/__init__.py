"""Importing a WordPress site from its WXR export (Tools → Export → All content)."""
