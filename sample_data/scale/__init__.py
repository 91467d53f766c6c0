"""The data generator behind `manage.py generate_data` (the former sample_data/scale.py), as a
package: records_requests.py holds it whole until the next commit splits it."""

from sample_data.scale.records_requests import (
    DEFAULT_AS_OF,
    PRESETS,
    GenerationRefused,
    Generator,
    Scale,
    Summary,
    empty_tracker_tables,
    existing_tracker_data,
    generate,
    loaded_tables,
    tracker_models,
)

__all__ = [
    "DEFAULT_AS_OF",
    "PRESETS",
    "GenerationRefused",
    "Generator",
    "Scale",
    "Summary",
    "empty_tracker_tables",
    "existing_tracker_data",
    "generate",
    "loaded_tables",
    "tracker_models",
]
