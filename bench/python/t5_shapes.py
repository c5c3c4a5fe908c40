"""FLAN-T5 shapes with random weights, as `ragtune bench train|generate` builds them (T5Config.forShape)."""
from transformers import T5Config

SHAPES = {
    "flan-t5-small": dict(d_model=512, d_kv=64, d_ff=1024, num_layers=8, num_decoder_layers=8, num_heads=6),
    "flan-t5-base": dict(d_model=768, d_kv=64, d_ff=2048, num_layers=12, num_decoder_layers=12, num_heads=12),
}


def config(shape):
    if shape not in SHAPES:
        raise SystemExit(f"--shape {shape}: one of {', '.join(SHAPES)}")
    return T5Config(vocab_size=32128, feed_forward_proj="gated-gelu", tie_word_embeddings=False,
                    decoder_start_token_id=0, pad_token_id=0, eos_token_id=1, **SHAPES[shape])


def random_ids(generator, batch, length, vocab=32128):
    """Token ids in [3, min(vocab, 32000)) ending with EOS (1), as ragtune's benches draw them."""
    import torch
    ids = torch.randint(3, min(vocab, 32000), (batch, length), generator=generator)
    ids[:, -1] = 1
    return ids
