"""One reminder sweep, sent from this process: for operators and for cron instead of a worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from reminders import outbox


class Command(BaseCommand):
    help = (
        "Run one reminder sweep now and send what is due from this process (no worker needed). "
        "Safe to run at the same time as Celery beat and workers: every reminder goes out once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = outbox.reminders_sweep(now=timezone.now())
        self.stdout.write(result.summary())
        # Everything due, not only what this sweep enqueued: a row whose task a worker has not
        # reached yet is claimed by whichever gets there first, never sent by both.
        individual, digests = outbox.reminders_due(now=timezone.now())
        outcomes: dict[str, int] = {}
        for reminder_id in individual:
            state = outbox.reminder_send(reminder_id=reminder_id).state
            outcomes[state] = outcomes.get(state, 0) + 1
        for recipient_id in digests:
            state = "digest " + outbox.reminder_digest_send(recipient_id=recipient_id).state
            outcomes[state] = outcomes.get(state, 0) + 1
        if outcomes:
            self.stdout.write(", ".join(f"{n} {state}" for state, n in sorted(outcomes.items())))
        failed = outbox.Reminder.objects.filter(state=outbox.State.FAILED).count()
        if failed:
            self.stdout.write(
                self.style.WARNING(f"{failed} reminders failed; see Reminders in the admin.")
            )
