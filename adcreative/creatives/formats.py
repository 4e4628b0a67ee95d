"""A task's output formats as clients read them (CheckUserProgress, webhooks): each one's size, Download
link and layout."""

from __future__ import annotations

from typing import Any

from adcreative.creatives.models import Task


def formats_body(task: Task) -> list[dict[str, Any]]:
    """The task's output formats (an extension), its first one first: each one's size, Download link and
    layout (where the product is and where text fits), the last two null until the task is Completed."""
    process = task.process
    extra = {shot.output_format: shot for shot in task.more_formats.all()}
    bodies = []
    for order, fmt in enumerate(process.formats):
        shot = extra.get(fmt.name)
        layout = task.layout if order == 0 else shot.layout if shot else {}
        rendered = task.render_state == Task.State.COMPLETED and (order == 0 or shot is not None)
        bodies.append(
            {
                "outputFormat": fmt.name,
                "width": fmt.width,
                "height": fmt.height,
                "downloadUrl": task.download_url_of(fmt.name if order else "") if rendered else None,
                "layout": layout if rendered and layout else None,
            }
        )
    return bodies
