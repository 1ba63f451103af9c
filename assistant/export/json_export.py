"""JSON export: the schema of record, with `$schema` pointing at the committed JSON Schema."""

from __future__ import annotations

from assistant.export.common import LAYER_ORDER
from assistant.schema import SCHEMA_PATH, ThreatModel


def json_document(model: ThreatModel) -> str:
    """The threat model as the JSON the product reads back (`maestro-tm validate` accepts it).

    Coverage is written in layer order (L1..L7, CL) whatever order it was built in, so the
    same model always serialises to the same bytes; everything else keeps the model's order.
    """
    coverage = {layer: model.coverage[layer] for layer in LAYER_ORDER if layer in model.coverage}
    document = model.model_copy(update={"schema_": SCHEMA_PATH, "coverage": coverage})
    return document.model_dump_json(indent=2, by_alias=True) + "\n"
