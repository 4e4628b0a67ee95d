"""The Celery task that trains a fine-tune: claim → dataset → training → the stored LoRA, recorded by the
state service. It runs on the `gpu` queue with time limits of its own (FINETUNE_*_TIME_LIMIT)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from celery import Task as CeleryTask
from django.conf import settings

from adcreative.celery import gpu_task
from adcreative.failures import MAX_RETRIES, Outcome, Wording, settle
from adcreative.finetunes import state
from adcreative.leases import heartbeat, retry_while_held

WORDING = Wording(
    unreadable=("unreadable_photos", "The photos could not be read."),
    time_limit=(
        "timeout",
        "The fine-tune took longer than FINETUNE_SOFT_TIME_LIMIT allows; try fewer steps.",
    ),
    unavailable=("unavailable", "The fine-tune could not be trained right now."),
    failed=("finetune_failed", "The fine-tune failed."),
)


def work_dir(fine_tune_id: str) -> Path:
    """Where a fine-tune's checkpoints live while it runs (a retry on this machine resumes from them)."""
    return Path(settings.FINETUNE_WORK_DIR) / fine_tune_id


def outcome_of(fine_tune_id: str) -> Outcome:
    def fail(code: str, message: str) -> None:
        if state.fail(fine_tune_id, code, message):
            shutil.rmtree(work_dir(fine_tune_id), ignore_errors=True)

    return Outcome(fail, lambda: state.release(fine_tune_id), WORDING, what=f"fine-tune {fine_tune_id}")


@gpu_task(
    name="gpu.finetune",
    bind=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.FINETUNE_SOFT_TIME_LIMIT,
    time_limit=settings.FINETUNE_TIME_LIMIT,
)
def finetune(self: CeleryTask[Any, Any], fine_tune_id: str) -> None:
    """Train one fine-tune; a cancelled one stops at its next step and leaves nothing behind."""
    fine_tune = state.claim(fine_tune_id)
    if fine_tune is None:  # finished or cancelled, or held by a worker whose lease has yet to run out
        retry_while_held(self, state.held_until(fine_tune_id), MAX_RETRIES)
        return
    # The training stack (torch, diffusers, peft) is imported by the worker that runs it, never by the web.
    from adcreative.finetunes.training import Stopped, run

    try:
        with heartbeat(lambda: state.renew(fine_tune)):
            run(fine_tune, work_dir(fine_tune_id))
    except Stopped:  # cancelled, or taken over by another worker: this one's part is over
        pass
    except Exception as exc:
        settle(self, exc, outcome_of(fine_tune_id))
        return
    if state.held_until(fine_tune_id) is None:  # finished (completed or cancelled): no checkpoint is needed
        shutil.rmtree(work_dir(fine_tune_id), ignore_errors=True)
