"""Newsroom CMS: a headless GraphQL content management system for news publishers."""
