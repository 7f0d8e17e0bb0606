"""The VAE verbs and the 2e-2g confirmations as `derive verify` runs them (cached models)."""

import json
import subprocess
import sys

import pytest
from PIL import Image

from numeric.vae.checks import confirm_2e, confirm_2f, confirm_2g
from numeric.vae.commands import forward, sample


def test_commands_module_does_not_import_torch():
    code = "import sys, numeric.vae.commands; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_forward_names_every_stage():
    report = forward(batch_size=4, seed=1)
    for stage in ("encode -> mu", "log sigma^2", "eps ~ N(0, I)", "z = mu + sigma * eps",
                  "decode", "log p(x|z)", "KL(q(z|x) || N(0, I))", "loss = mean(KL - log p(x|z))"):
        assert stage in report
    assert "shape (4, 2)" in report and "same logits: True" in report
    with pytest.raises(ValueError, match="batch_size"):
        forward(batch_size=0)


def test_sample_writes_a_png_grid(tmp_path):
    out = sample(tmp_path / "s.png", n=9, seed=2)
    with Image.open(out) as img:
        assert img.format == "PNG" and img.size[0] > 100
    with pytest.raises(ValueError, match="n must"):
        sample(tmp_path / "t.png", n=0)


@pytest.mark.slow
@pytest.mark.parametrize("confirm_fn", [confirm_2e, confirm_2f, confirm_2g])
def test_confirmations_pass_with_json_figures(confirm_fn):
    results = confirm_fn()
    assert results and all(c.passed for c in results), [c.summary for c in results]
    json.dumps([c.figures for c in results])
