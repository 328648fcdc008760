"""The media library: uploads and imports, images and their renditions, library queries."""

from cms.services.media.queries import media_by_ids

__all__ = ["media_by_ids"]
