"""Every sentence Frontline says, in one package to review and translate.

Tone: the customer is the subject, colleagues are partners, nobody is blamed. Functions take
already-escaped mrkdwn fragments where they say `*_md`; everything else is plain data.

One module per audience or capability; this package re-exports every public name, so callers
write `from bot.slack import copy` and `copy.X`. tests/unit/test_copy_tone.py reads every string
of every module here and checks that each one is re-exported.
"""

from bot.slack.copy.admin import *  # noqa: F403
from bot.slack.copy.away import *  # noqa: F403
from bot.slack.copy.capture import *  # noqa: F403
from bot.slack.copy.cards import *  # noqa: F403
from bot.slack.copy.channels import *  # noqa: F403
from bot.slack.copy.errors import *  # noqa: F403
from bot.slack.copy.export import *  # noqa: F403
from bot.slack.copy.home import *  # noqa: F403
from bot.slack.copy.labels import *  # noqa: F403
from bot.slack.copy.merge import *  # noqa: F403
from bot.slack.copy.reactions import *  # noqa: F403
from bot.slack.copy.schedule import *  # noqa: F403
from bot.slack.copy.search import *  # noqa: F403
from bot.slack.copy.weekly import *  # noqa: F403
