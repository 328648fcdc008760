"""The media library: uploads and imports, images and their renditions, library queries."""

from cms.services.media.queries import MediaFilter, Usages, media_by_ids, media_count, media_page

__all__ = ["MediaFilter", "Usages", "media_by_ids", "media_count", "media_page"]
