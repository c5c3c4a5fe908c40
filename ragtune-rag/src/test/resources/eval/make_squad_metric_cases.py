#!/usr/bin/env python3
"""Reference EM/F1 for AnswerMetricsReferenceTest, computed with the logic of the official SQuAD v1.1
evaluate script (normalize_answer, f1_score, exact_match_score, max over ground truths) and, for the Portuguese
variant, the same with the Portuguese articles added to the article regex.

usage: make_squad_metric_cases.py SQUAD_JSON FAQUAD_JSON RESULTS_JSONL... > squad-metric-cases.jsonl
RESULTS_JSONL are ragtune eval results.jsonl files whose answers serve as realistic (sentence) predictions.
"""
import json, random, re, string, sys
from collections import Counter

ARTICLES = {"squad": r'\b(a|an|the)\b', "pt": r'\b(a|an|the|o|os|as|um|uma|uns|umas)\b'}

def normalize_answer(s, variant):
    s = s.lower()
    exclude = set(string.punctuation)
    s = ''.join(ch for ch in s if ch not in exclude)
    s = re.sub(ARTICLES[variant], ' ', s)
    return ' '.join(s.split())

def f1_score(prediction, ground_truth, variant):
    p = normalize_answer(prediction, variant).split()
    g = normalize_answer(ground_truth, variant).split()
    common = Counter(p) & Counter(g)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(p)
    recall = 1.0 * num_same / len(g)
    return (2 * precision * recall) / (precision + recall)

def exact_match_score(prediction, ground_truth, variant):
    return normalize_answer(prediction, variant) == normalize_answer(ground_truth, variant)

def best(fn, prediction, truths, variant):
    return max(fn(prediction, t, variant) for t in truths)

def questions(path):
    out = []
    for article in json.load(open(path, encoding="utf-8"))["data"]:
        for p in article["paragraphs"]:
            for qa in p["qas"]:
                answers = [a["text"] for a in qa["answers"]]
                if answers:
                    out.append((qa["id"], p["context"], answers))
    return out

def main():
    rnd = random.Random(20261127)
    cases = []
    predictions = {}
    for f in sys.argv[3:]:
        for line in open(f, encoding="utf-8"):
            r = json.loads(line)
            predictions.setdefault(r["question_id"], []).append(r["answer"])
    for path in sys.argv[1:3]:
        qs = questions(path)
        for qid, context, answers in rnd.sample(qs, 120):
            preds = list(predictions.get(qid, []))
            preds.append(answers[-1])
            preds.append("The " + answers[0] + ".")
            words = answers[0].split()
            preds.append(" ".join(words[: max(1, len(words) // 2)]))
            start = context.find(answers[0])
            if start >= 0:
                preds.append(context[max(0, start - 30): start + len(answers[0]) + 30])
            for pred in preds:
                cases.append((pred, answers))
    edge = [
        ("", ["the"]), ("the", ["a"]), ("Denver\u00a0Broncos", ["Denver Broncos"]), ("«Denver»", ["Denver"]),
        ("o  carro", ["um carro"]), ("As regras", ["regras"]), ("Umas e outras", ["outras"]), ("Ça va", ["ca va"]),
        ("İstanbul", ["istanbul"]), ("U.S.A.", ["USA"]), ("the-the the_the", ["the"]), ("ÉPOCA", ["época"]),
    ]
    cases.extend(edge)
    for pred, answers in cases:
        row = {"prediction": pred, "answers": answers}
        for v in ("squad", "pt"):
            row["em_" + v] = 1.0 if best(exact_match_score, pred, answers, v) else 0.0
            row["f1_" + v] = float(best(f1_score, pred, answers, v))
        print(json.dumps(row, ensure_ascii=False))

main()
