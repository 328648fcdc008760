"""The root Mutation type, merged from each domain's mutations."""

import strawberry

from schema.mutations.accounts import AccountMutations
from schema.mutations.article_expiry import ArticleExpiryMutations
from schema.mutations.articles import ArticleMutations
from schema.mutations.authors import AuthorMutations
from schema.mutations.bulk import BulkMutations
from schema.mutations.corrections import CorrectionMutations
from schema.mutations.home import HomeMutations
from schema.mutations.live import LiveMutations
from schema.mutations.live_blog_edits import LiveBlogEditMutations
from schema.mutations.media import MediaMutations
from schema.mutations.media_details import MediaDetailsMutations
from schema.mutations.readers import ReaderMutations
from schema.mutations.staff import StaffMutations
from schema.mutations.tag_merge import TagMergeMutations
from schema.mutations.taxonomy import TaxonomyMutations
from schema.mutations.webhooks import WebhookMutations


@strawberry.type(
    description="Changes, for signed-in staff (except `login`, `requestPasswordReset`, "
    "`resetPassword`, `recordView` and `subscribeNewsletter`, which are public). Each takes "
    "one `input` and returns the changed object with `errors` to fix; nothing is saved "
    "when there are errors."
)
class Mutation(
    AccountMutations,
    StaffMutations,
    ArticleMutations,
    AuthorMutations,
    CorrectionMutations,
    HomeMutations,
    ArticleExpiryMutations,
    BulkMutations,
    TaxonomyMutations,
    TagMergeMutations,
    MediaMutations,
    MediaDetailsMutations,
    ReaderMutations,
    LiveMutations,
    WebhookMutations,
    LiveBlogEditMutations,
):
    pass
