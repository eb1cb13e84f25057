"""`cmtraining sentiment train|eval`: adapt the sentiment engine to an organization and measure it.

The file is read by the mentions importer (CSV with any quoting and
delimiter, UTF-8 or UTF-16, or .xlsx; one text and one label column, found
by name or by the export's layout); every problem a facilitator can cause
(a missing column, an unknown label, an empty file) is the package's error,
which the main command prints as one message with exit status 2. Evaluating
an English-only method (TextBlob, VADER) on Spanish messages prints a warning. The model is written
atomically, so a failure never leaves half a file. `--lang` names the
messages' language and, as everywhere in cmtraining, the language of the
output when it is es or en.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from cmtraining.core.outputs import check_output
from cmtraining.i18n import t

# English-only methods: their lexicons and rules know no Spanish
ENGLISH_ONLY = ("textblob", "vader")


def read_labeled_csv(path: Path, text_column: str, label_column: str | None):
    """(texts, labels) from a CSV or .xlsx read by the mentions importer; labels None if unasked.

    Same reader as the listening import (quoting, `;`, UTF-8/16, Excel). A
    named column missing from the file falls back to the column the export
    layout puts there (e.g. `airline_sentiment` for labels); otherwise the
    error lists the columns.
    """
    from cmtraining.listening.importer import label_names, read_mentions_table
    from cmtraining.listening.sentiment.errors import LabeledDataError

    read = read_mentions_table(path)
    header, rows, lines = read.header, read.table.rows, read.table.lines

    def pick(asked: str, field: str) -> int:
        if asked in header:
            return header.index(asked)
        detected = read.mapping.column(field)
        if detected is None:
            raise LabeledDataError("listening.sentiment.error.csv_column", path=str(path), column=asked,
                                   columns=", ".join(header) or "—")
        return header.index(detected)

    text_at = pick(text_column, "text")
    texts = [row[text_at] for row in rows]
    if label_column is None:
        if not texts:
            raise LabeledDataError("listening.sentiment.error.csv_empty", path=str(path))
        return texts, None
    label_at = pick(label_column, "label")
    names = label_names()
    labels = []
    for row, line in zip(rows, lines, strict=True):
        value = row[label_at].strip().lower()
        if value not in names:
            raise LabeledDataError("listening.sentiment.error.csv_label", path=str(path), row=line,
                                   value=value[:40], allowed="positive, neutral, negative")
        labels.append(names[value])
    if not texts:
        raise LabeledDataError("listening.sentiment.error.csv_empty", path=str(path))
    return texts, labels


def spanish_share(texts: list[str]) -> float:
    """The share of messages the offline detector reads as Spanish."""
    from cmtraining.listening.sentiment.langdetect import detect_lang

    sample = texts[:2000]
    return sum(detect_lang(text, default="en") == "es" for text in sample) / max(len(sample), 1)


def sentiment_group(lang: str) -> click.Group:
    """The `sentiment` command group, with help in `lang`."""

    @click.group("sentiment", help=t("cli.sentiment.help", lang))
    def group():
        pass

    csv_option = click.option("--csv", "csv_path", required=True, metavar="FILE",
                              type=click.Path(dir_okay=False, path_type=Path),
                              help=t("cli.sentiment.csv", lang))
    text_option = click.option("--text-column", default="text", show_default=True,
                               help=t("cli.sentiment.text_column", lang))
    label_option = click.option("--label-column", default="label", show_default=True,
                                help=t("cli.sentiment.label_column", lang))

    @group.command("train", help=t("cli.sentiment.train_help", lang))
    @csv_option
    @click.option("--lang", "msg_lang", type=click.Choice(["es", "en"]), default=lang,
                  show_default=True, help=t("cli.sentiment.lang", lang))
    @text_option
    @label_option
    @click.option("--out", required=True, metavar="FILE",
                  type=click.Path(dir_okay=False, path_type=Path), help=t("cli.sentiment.out", lang))
    @click.option("--force", is_flag=True, help=t("cli.sentiment.force", lang))
    def train_cmd(csv_path, msg_lang, text_column, label_column, out, force):
        from cmtraining.listening.sentiment import train_sentiment

        check_output(out, force=force, inputs=[csv_path], lang=lang,
                     exists_key="cli.sentiment.exists")
        texts, labels = read_labeled_csv(csv_path, text_column, label_column)
        start = time.perf_counter()
        model = train_sentiment(texts, labels, msg_lang)
        model.save(out)
        click.echo(t("cli.sentiment.trained", lang, count=len(texts), path=out,
                     seconds=f"{time.perf_counter() - start:.1f}"))

    @group.command("eval", help=t("cli.sentiment.eval_help", lang))
    @csv_option
    @click.option("--lang", "msg_lang", type=click.Choice(["es", "en", "auto"]), default=lang,
                  show_default=True, help=t("cli.sentiment.lang", lang))
    @text_option
    @label_option
    @click.option("--backend", default=None, metavar="NAME", help=t("cli.sentiment.backend", lang))
    @click.option("--model", "model_path", default=None, metavar="FILE",
                  type=click.Path(dir_okay=False, path_type=Path), help=t("cli.sentiment.model", lang))
    def eval_cmd(csv_path, msg_lang, text_column, label_column, backend, model_path):
        from cmtraining.listening.sentiment import SentimentModel, classify_sentiment
        from cmtraining.listening.sentiment.errors import SentimentError
        from cmtraining.listening.sentiment.metrics import evaluate

        if backend and model_path:
            raise SentimentError("listening.sentiment.error.model_and_backend")
        method = SentimentModel.load(model_path) if model_path else backend
        texts, labels = read_labeled_csv(csv_path, text_column, label_column)
        if backend in ENGLISH_ONLY and (msg_lang == "es" or (
                msg_lang == "auto" and spanish_share(texts) >= 0.3)):
            click.echo(t("cli.importer.english_only", lang, backend=backend), err=True)
        predicted = classify_sentiment(texts, lang=msg_lang, backend=method)
        name = str(model_path) if model_path else backend or "lexicon"
        click.echo(format_report(evaluate(labels, predicted), name, lang))

    return group


def format_report(report, name: str, lang: str) -> str:
    from cmtraining.listening.sentiment.model import LABELS

    names = {label: t(f"listening.sentiment.label.{label}", lang) for label in LABELS}
    width = max(len(n) for n in names.values()) + 2
    lines = [t("cli.sentiment.report_title", lang, name=name, count=report.count),
             f"{t('cli.sentiment.macro_f1', lang)}: {report.macro_f1:.3f}",
             f"{t('cli.sentiment.accuracy', lang)}: {report.accuracy:.3f}",
             f"{t('cli.sentiment.per_class', lang)}: "
             + " · ".join(f"{names[label]} {report.f1[label]:.3f}" for label in LABELS),
             t("cli.sentiment.confusion", lang),
             " " * width + "".join(f"{names[label]:>{width}}" for label in LABELS)]
    for gold in LABELS:
        lines.append(f"{names[gold]:<{width}}" + "".join(
            f"{report.confusion[gold][p]:>{width}}" for p in LABELS))
    return "\n".join(lines)
