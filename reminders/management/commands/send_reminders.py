"""One reminder sweep, sent from this process: for operators and for cron instead of a worker."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders import outbox

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run one reminder sweep now and send what is due from this process (no worker needed). "
        "Safe to run at the same time as Celery beat and workers: every reminder goes out once. "
        "Every due reminder and digest is tried, whatever fails; the exit status is 1 when "
        "any of them failed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = outbox.reminders_sweep(now=timezone.now())
        self.stdout.write(result.summary())
        # Everything due, not only what this sweep enqueued: a row whose task a worker has not
        # reached yet is claimed by whichever gets there first, never sent by both.
        individual, digests = outbox.reminders_due(now=timezone.now())
        outcomes: Counter[str] = Counter()
        for reminder_id in individual:
            outcomes[self._send(outbox.reminder_send, reminder_id=reminder_id)] += 1
        for recipient_id in digests:
            outcomes[self._send(outbox.reminder_digest_send, recipient_id=recipient_id)] += 1
        sent, failed = outcomes.pop(outbox.State.SENT, 0), outcomes.pop(outbox.State.FAILED, 0)
        others = "".join(f", {n} {state}" for state, n in sorted(outcomes.items()))
        self.stdout.write(f"{sent} sent, {failed} failed{others}")
        waiting = outbox.Reminder.objects.filter(state=outbox.State.FAILED).count()
        if waiting:
            self.stdout.write(
                self.style.WARNING(f"{waiting} reminders failed; see Reminders in the admin.")
            )
        if failed:
            # After everything was tried: cron and monitoring see the run went wrong.
            raise CommandError(f"{failed} of the reminders and digests due could not be sent.")

    def _send(self, send: Callable[..., outbox.SendOutcome], **ids: int) -> str:
        """One send (a reminder or a digest); an exception the send could not record itself
        stops only that send."""
        try:
            return send(**ids).state
        except Exception:
            log.exception("A reminder send failed before it could record its outcome")
            return outbox.State.FAILED
