"""`cmtraining sentiment train|eval`: adapt the sentiment engine to an organization and measure it.

The CSV is read with the standard library (UTF-8, one text and one label
column); every problem a facilitator can cause (a missing column, an unknown
label, another encoding, an empty file) is a `LabeledDataError`, which the
main command prints as one message with exit status 2. The model is written
atomically, so a failure never leaves half a file. `--lang` names the
messages' language and, as everywhere in cmtraining, the language of the
output when it is es or en.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from cmtraining.i18n import t
from cmtraining.outputs import check_output

_LABEL_NAMES = {"positive": "positive", "neutral": "neutral", "negative": "negative",
                "positivo": "positive", "neutro": "neutral", "negativo": "negative"}


def read_labeled_csv(path: Path, text_column: str, label_column: str | None):
    """(texts, labels) from a UTF-8 CSV; labels is None when label_column is None."""
    import csv
    import io

    from cmtraining.listening.sentiment.errors import LabeledDataError

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LabeledDataError("sentiment.error.csv_unreadable", path=str(path),
                               reason=exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabeledDataError("sentiment.error.csv_encoding", path=str(path)) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        columns = reader.fieldnames or []
        for column in (text_column, label_column):
            if column is not None and column not in columns:
                raise LabeledDataError("sentiment.error.csv_column", path=str(path), column=column,
                                       columns=", ".join(columns) or "—")
        texts, labels = [], []
        for row in reader:
            texts.append(row.get(text_column) or "")
            if label_column is not None:
                value = (row.get(label_column) or "").strip().lower()
                if value not in _LABEL_NAMES:
                    raise LabeledDataError("sentiment.error.csv_label", path=str(path),
                                           row=reader.line_num, value=value[:40],
                                           allowed="positive, neutral, negative")
                labels.append(_LABEL_NAMES[value])
    except csv.Error as exc:
        raise LabeledDataError("sentiment.error.csv_unreadable", path=str(path),
                               reason=str(exc)) from None
    if not texts:
        raise LabeledDataError("sentiment.error.csv_empty", path=str(path))
    return texts, (labels if label_column is not None else None)


def sentiment_group(lang: str) -> click.Group:
    """The `sentiment` command group, with help in `lang`."""

    @click.group("sentiment", help=t("sentiment.cli.help", lang))
    def group():
        pass

    csv_option = click.option("--csv", "csv_path", required=True, metavar="FILE",
                              type=click.Path(dir_okay=False, path_type=Path),
                              help=t("sentiment.cli.csv", lang))
    text_option = click.option("--text-column", default="text", show_default=True,
                               help=t("sentiment.cli.text_column", lang))
    label_option = click.option("--label-column", default="label", show_default=True,
                                help=t("sentiment.cli.label_column", lang))

    @group.command("train", help=t("sentiment.cli.train_help", lang))
    @csv_option
    @click.option("--lang", "msg_lang", type=click.Choice(["es", "en"]), default=lang,
                  show_default=True, help=t("sentiment.cli.lang", lang))
    @text_option
    @label_option
    @click.option("--out", required=True, metavar="FILE",
                  type=click.Path(dir_okay=False, path_type=Path), help=t("sentiment.cli.out", lang))
    @click.option("--force", is_flag=True, help=t("sentiment.cli.force", lang))
    def train_cmd(csv_path, msg_lang, text_column, label_column, out, force):
        from cmtraining.listening.sentiment import train_sentiment

        check_output(out, force=force, inputs=[csv_path], lang=lang,
                     exists_key="sentiment.cli.exists")
        texts, labels = read_labeled_csv(csv_path, text_column, label_column)
        start = time.perf_counter()
        model = train_sentiment(texts, labels, msg_lang)
        model.save(out)
        click.echo(t("sentiment.cli.trained", lang, count=len(texts), path=out,
                     seconds=f"{time.perf_counter() - start:.1f}"))

    @group.command("eval", help=t("sentiment.cli.eval_help", lang))
    @csv_option
    @click.option("--lang", "msg_lang", type=click.Choice(["es", "en", "auto"]), default=lang,
                  show_default=True, help=t("sentiment.cli.lang", lang))
    @text_option
    @label_option
    @click.option("--backend", default=None, metavar="NAME", help=t("sentiment.cli.backend", lang))
    @click.option("--model", "model_path", default=None, metavar="FILE",
                  type=click.Path(dir_okay=False, path_type=Path), help=t("sentiment.cli.model", lang))
    def eval_cmd(csv_path, msg_lang, text_column, label_column, backend, model_path):
        from cmtraining.listening.sentiment import SentimentModel, classify_sentiment
        from cmtraining.listening.sentiment.errors import SentimentError
        from cmtraining.listening.sentiment.metrics import evaluate

        if backend and model_path:
            raise SentimentError("sentiment.error.model_and_backend")
        method = SentimentModel.load(model_path) if model_path else backend
        texts, labels = read_labeled_csv(csv_path, text_column, label_column)
        predicted = classify_sentiment(texts, lang=msg_lang, backend=method)
        name = str(model_path) if model_path else backend or "lexicon"
        click.echo(format_report(evaluate(labels, predicted), name, lang))

    return group


def format_report(report, name: str, lang: str) -> str:
    from cmtraining.listening.sentiment.model import LABELS

    names = {label: t(f"sentiment.label.{label}", lang) for label in LABELS}
    width = max(len(n) for n in names.values()) + 2
    lines = [t("sentiment.cli.report_title", lang, name=name, count=report.count),
             f"{t('sentiment.cli.macro_f1', lang)}: {report.macro_f1:.3f}",
             f"{t('sentiment.cli.accuracy', lang)}: {report.accuracy:.3f}",
             f"{t('sentiment.cli.per_class', lang)}: "
             + " · ".join(f"{names[label]} {report.f1[label]:.3f}" for label in LABELS),
             t("sentiment.cli.confusion", lang),
             " " * width + "".join(f"{names[label]:>{width}}" for label in LABELS)]
    for gold in LABELS:
        lines.append(f"{names[gold]:<{width}}" + "".join(
            f"{report.confusion[gold][p]:>{width}}" for p in LABELS))
    return "\n".join(lines)
