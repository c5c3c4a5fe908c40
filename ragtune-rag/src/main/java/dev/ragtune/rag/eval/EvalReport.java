package dev.ragtune.rag.eval;

import dev.ragtune.rag.collection.AtomicFile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns the results of an {@link Evaluation} into numbers ({@link #summarize}) and writes them to a folder
 * ({@link #write}): {@code summary.json}, {@code report.md} and {@code report.html}, a self-contained page (inline CSS
 * and SVG, no script, no external asset) with every text HTML-escaped. Every file is written atomically.
 *
 * <p>Latency percentiles use the nearest-rank method over the answered (not failed) questions. Retrieval metrics
 * count only questions with gold ids, in configurations that retrieve; MRR is cut at k (the contexts in the prompt).
 */
public final class EvalReport {
    /** Median and 95th percentile of a stage, in milliseconds. */
    public record Latency(double p50, double p95) {}

    /**
     * The numbers of one configuration.
     *
     * @param retrievalQuestions questions with gold ids it was scored on (0: the hit and MRR fields are null)
     * @param citedAnswers       answers that cite at least one chunk
     * @param citationPrecision  mean over the cited answers of the fraction of cited chunks holding a gold answer
     * @param containsGold       share of answers that contain a gold answer (normalised)
     * @param containsGoldInPrompt that share over the questions whose gold passage was in the prompt (null: none was)
     * @param goldRanks          of the retrieval questions, how many had their gold passage at prompt position i
     *                           (index i, 1..k) or not in the prompt (index 0); empty without retrieval questions
     * @param extractive         true when every answer was extractive (✓/✗ then judge containment)
     */
    public record ConfigSummary(String name, int questions, int errors, double em, double f1, double emPt, double f1Pt,
                                int retrievalQuestions, Double hitAt1, Double hitAtK, Double mrr, int citedAnswers,
                                Double citationPrecision, Map<String, Latency> latency, double containsGold,
                                Double containsGoldInPrompt, List<Integer> goldRanks, boolean extractive) {
        public ConfigSummary {
            goldRanks = List.copyOf(goldRanks);
        }

        /** Share of the retrieval questions with the gold passage in the first j prompt positions; null without any. */
        public Double hitAt(int j) {
            if (retrievalQuestions == 0) return null;
            int hits = 0;
            for (int i = 1; i <= j && i < goldRanks.size(); i++) hits += goldRanks.get(i);
            return hits / (double) retrievalQuestions;
        }
    }

    /** {@code candidate - baseline} of a metric over the same questions, with its bootstrap interval. */
    public record Comparison(String baseline, String candidate, String metric, Bootstrap.Interval interval) {}

    /** A question where the candidate's F1 differs from the baseline's. */
    public record Change(String questionId, String question, List<String> answers, double baselineF1,
                         double candidateF1, String baselineAnswer, String candidateAnswer) {}

    /**
     * Everything the reports show.
     *
     * @param baseline  configuration the helped/hurt lists compare against (no-rag when run, else the first)
     * @param candidate configuration compared with it (null when only one ran)
     * @param about     how the run was made (collection, generator, command, machine load), shown as given
     */
    public record Summary(int questions, int k, List<String> configs, List<ConfigSummary> perConfig,
                          List<Comparison> comparisons, String baseline, String candidate, List<Change> helped,
                          List<Change> hurt, List<String> warnings, Map<String, String> about) {
        public Summary {
            configs = List.copyOf(configs);
            perConfig = List.copyOf(perConfig);
            comparisons = List.copyOf(comparisons);
            helped = List.copyOf(helped);
            hurt = List.copyOf(hurt);
            warnings = List.copyOf(warnings);
            about = about == null ? Map.of() : new LinkedHashMap<>(about);
        }

        public ConfigSummary config(String name) {
            for (ConfigSummary c : perConfig) if (c.name().equals(name)) return c;
            return null;
        }
    }

    /** Metrics compared by the bootstrap, as named in the reports. */
    static final List<String> METRICS = List.of("em", "f1", "em_pt", "f1_pt", "contains_gold");

    /** How many helped/hurt questions and per-question rows report.md shows (summary.json and results.jsonl have all). */
    static final int LIST_LIMIT = 25;

    /** How many helped/hurt questions report.html lists. */
    static final int HTML_LIST_LIMIT = 100;

    /** How many questions the per-question table of report.html shows. */
    static final int HTML_ROWS = 2000;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvalReport() {}

    /**
     * Computes the summary of results (one per question × configuration, configurations in report order).
     *
     * @param k the contexts per prompt, i.e. the k of hit@k
     */
    public static Summary summarize(List<QuestionResult> results, int k, Bootstrap bootstrap, List<String> warnings,
                                    Map<String, String> about) {
        Objects.requireNonNull(results, "results");
        if (results.isEmpty()) throw new IllegalArgumentException("no results to report");
        Map<String, Map<String, QuestionResult>> byConfig = new LinkedHashMap<>();
        for (String c : Evaluation.KNOWN_CONFIGS) {
            for (QuestionResult r : results) {
                if (r.config().equals(c)) byConfig.computeIfAbsent(c, x -> new LinkedHashMap<>()).put(r.questionId(), r);
            }
        }
        List<String> configs = new ArrayList<>(byConfig.keySet());
        List<String> questionIds = new ArrayList<>();
        for (QuestionResult r : results) if (!questionIds.contains(r.questionId())) questionIds.add(r.questionId());

        List<ConfigSummary> per = new ArrayList<>();
        for (String c : configs) per.add(configSummary(c, new ArrayList<>(byConfig.get(c).values()), k));

        List<Comparison> comparisons = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            for (int j = i + 1; j < configs.size(); j++) {
                List<String> shared = new ArrayList<>();
                for (String q : questionIds) {
                    if (byConfig.get(configs.get(i)).containsKey(q) && byConfig.get(configs.get(j)).containsKey(q)) shared.add(q);
                }
                if (shared.isEmpty()) continue;
                for (String metric : METRICS) {
                    double[] a = values(byConfig.get(configs.get(i)), shared, metric);
                    double[] b = values(byConfig.get(configs.get(j)), shared, metric);
                    comparisons.add(new Comparison(configs.get(i), configs.get(j), metric, bootstrap.difference(a, b)));
                }
            }
        }
        String baseline = configs.get(0);
        String candidate = configs.size() > 1 ? configs.get(1) : null;
        List<Change> helped = new ArrayList<>();
        List<Change> hurt = new ArrayList<>();
        if (candidate != null) {
            for (String q : questionIds) {
                QuestionResult a = byConfig.get(baseline).get(q);
                QuestionResult b = byConfig.get(candidate).get(q);
                if (a == null || b == null || a.f1() == b.f1()) continue;
                Change ch = new Change(q, a.question(), a.answers(), a.f1(), b.f1(), a.answer(), b.answer());
                (b.f1() > a.f1() ? helped : hurt).add(ch);
            }
            helped.sort((x, y) -> Double.compare(y.candidateF1() - y.baselineF1(), x.candidateF1() - x.baselineF1()));
            hurt.sort((x, y) -> Double.compare(x.candidateF1() - x.baselineF1(), y.candidateF1() - y.baselineF1()));
        }
        return new Summary(questionIds.size(), k, configs, per, comparisons, baseline, candidate, helped, hurt,
                warnings == null ? List.of() : warnings, about);
    }

    private static double[] values(Map<String, QuestionResult> results, List<String> ids, String metric) {
        double[] out = new double[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            QuestionResult r = results.get(ids.get(i));
            out[i] = switch (metric) {
                case "em" -> r.em();
                case "f1" -> r.f1();
                case "em_pt" -> r.emPt();
                case "f1_pt" -> r.f1Pt();
                case "contains_gold" -> r.containsGold() ? 1 : 0;
                default -> throw new IllegalArgumentException(metric);
            };
        }
        return out;
    }

    private static ConfigSummary configSummary(String name, List<QuestionResult> rs, int k) {
        int n = rs.size(), errors = 0, retrieval = 0, h1 = 0, hk = 0, cited = 0, contains = 0, inPrompt = 0;
        int containsInPrompt = 0, extractive = 0;
        int[] ranks = new int[k + 1];
        double em = 0, f1 = 0, emPt = 0, f1Pt = 0, rr = 0, precision = 0;
        for (QuestionResult r : rs) {
            if (r.error() != null) errors++;
            if (r.containsGold()) contains++;
            if (r.extractive()) extractive++;
            if (r.goldRank() != null) {
                ranks[r.goldRank() >= 1 && r.goldRank() <= k ? r.goldRank() : 0]++;
                if (r.goldRank() >= 1) {
                    inPrompt++;
                    if (r.containsGold()) containsInPrompt++;
                }
            }
            em += r.em();
            f1 += r.f1();
            emPt += r.emPt();
            f1Pt += r.f1Pt();
            if (r.goldRank() != null) {
                retrieval++;
                if (r.goldRank() == 1) h1++;
                if (r.goldRank() >= 1) {
                    hk++;
                    rr += 1.0 / r.goldRank();
                }
            }
            Double p = r.citationPrecision();
            if (p != null) {
                cited++;
                precision += p;
            }
        }
        Map<String, Latency> latency = new LinkedHashMap<>();
        for (String stage : QuestionResult.STAGES) {
            double[] ms = rs.stream().filter(r -> r.error() == null).mapToDouble(r -> r.millis(stage)).sorted().toArray();
            latency.put(stage, ms.length == 0 ? new Latency(0, 0)
                    : new Latency(Bootstrap.percentile(ms, 0.5), Bootstrap.percentile(ms, 0.95)));
        }
        return new ConfigSummary(name, n, errors, em / n, f1 / n, emPt / n, f1Pt / n, retrieval,
                retrieval == 0 ? null : h1 / (double) retrieval, retrieval == 0 ? null : hk / (double) retrieval,
                retrieval == 0 ? null : rr / retrieval, cited, cited == 0 ? null : precision / cited, latency,
                contains / (double) n, inPrompt == 0 ? null : containsInPrompt / (double) inPrompt,
                retrieval == 0 ? List.of() : Arrays.stream(ranks).boxed().toList(), extractive == n);
    }

    /** Writes summary.json, report.md and report.html into {@code dir}, each atomically. */
    public static void write(Path dir, Summary s, List<QuestionResult> results) throws IOException {
        AtomicFile.writeText(dir.resolve("summary.json"), JSON.writeValueAsString(json(s)) + "\n");
        AtomicFile.writeText(dir.resolve("report.md"), markdown(s, results));
        AtomicFile.writeText(dir.resolve("report.html"), html(s, results));
    }

    static ObjectNode json(Summary s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("questions", s.questions());
        o.put("k", s.k());
        s.configs().forEach(o.putArray("configs")::add);
        ObjectNode about = o.putObject("about");
        s.about().forEach(about::put);
        ObjectNode per = o.putObject("metrics");
        for (ConfigSummary c : s.perConfig()) {
            ObjectNode x = per.putObject(c.name());
            x.put("questions", c.questions());
            x.put("errors", c.errors());
            x.put("em", c.em());
            x.put("f1", c.f1());
            x.put("em_pt", c.emPt());
            x.put("f1_pt", c.f1Pt());
            x.put("retrieval_questions", c.retrievalQuestions());
            putNullable(x, "hit_at_1", c.hitAt1());
            putNullable(x, "hit_at_k", c.hitAtK());
            putNullable(x, "mrr_at_k", c.mrr());
            x.put("cited_answers", c.citedAnswers());
            putNullable(x, "citation_precision", c.citationPrecision());
            x.put("contains_gold", c.containsGold());
            putNullable(x, "contains_gold_when_gold_in_prompt", c.containsGoldInPrompt());
            x.put("extractive", c.extractive());
            if (!c.goldRanks().isEmpty()) {
                ObjectNode ranks = x.putObject("gold_rank_counts");
                ranks.put("not_in_prompt", c.goldRanks().get(0));
                for (int i = 1; i < c.goldRanks().size(); i++) ranks.put(String.valueOf(i), c.goldRanks().get(i));
            }
            ObjectNode lat = x.putObject("latency_ms");
            c.latency().forEach((stage, l) -> {
                ObjectNode y = lat.putObject(stage);
                y.put("p50", round(l.p50()));
                y.put("p95", round(l.p95()));
            });
        }
        ArrayNode cmp = o.putArray("differences");
        for (Comparison c : s.comparisons()) {
            ObjectNode x = cmp.addObject();
            x.put("baseline", c.baseline());
            x.put("candidate", c.candidate());
            x.put("metric", c.metric());
            x.put("mean", c.interval().mean());
            x.put("ci95_low", c.interval().low());
            x.put("ci95_high", c.interval().high());
            x.put("questions", c.interval().questions());
            x.put("significant", c.interval().significant());
        }
        o.put("baseline", s.baseline());
        if (s.candidate() == null) o.putNull("candidate");
        else o.put("candidate", s.candidate());
        changes(o.putArray("helped"), s.helped());
        changes(o.putArray("hurt"), s.hurt());
        s.warnings().forEach(o.putArray("warnings")::add);
        return o;
    }

    private static void changes(ArrayNode a, List<Change> cs) {
        for (Change c : cs) {
            ObjectNode x = a.addObject();
            x.put("question_id", c.questionId());
            x.put("question", c.question());
            c.answers().forEach(x.putArray("answers")::add);
            x.put("baseline_answer", c.baselineAnswer());
            x.put("baseline_f1", c.baselineF1());
            x.put("candidate_answer", c.candidateAnswer());
            x.put("candidate_f1", c.candidateF1());
        }
    }

    private static void putNullable(ObjectNode o, String f, Double v) {
        if (v == null) o.putNull(f);
        else o.put(f, v);
    }

    // ---------------------------------------------------------------- markdown

    static String markdown(Summary s, List<QuestionResult> results) {
        StringBuilder md = new StringBuilder();
        md.append("# RAG evaluation\n\n");
        md.append(s.questions()).append(" questions, configurations ").append(String.join(", ", s.configs()))
                .append(", k = ").append(s.k()).append(".\n\n");
        for (Map.Entry<String, String> e : s.about().entrySet()) {
            md.append("- ").append(e.getKey()).append(": ").append(mdCell(e.getValue())).append('\n');
        }
        md.append("\n## Answer quality and retrieval\n\n");
        md.append("| config | EM | F1 | EM (pt) | F1 (pt) | contains gold | contains gold (gold in prompt) | hit@1 | hit@")
                .append(s.k()).append(" | MRR@").append(s.k())
                .append(" | citation precision | errors |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ConfigSummary c : s.perConfig()) {
            md.append("| ").append(c.name()).append(" | ").append(f3(c.em())).append(" | ").append(f3(c.f1()))
                    .append(" | ").append(f3(c.emPt())).append(" | ").append(f3(c.f1Pt())).append(" | ")
                    .append(f3(c.containsGold())).append(" | ").append(f3(c.containsGoldInPrompt())).append(" | ")
                    .append(f3(c.hitAt1())).append(" | ").append(f3(c.hitAtK())).append(" | ").append(f3(c.mrr()))
                    .append(" | ").append(f3(c.citationPrecision())).append(c.citedAnswers() > 0 ? " (" + c.citedAnswers()
                            + " cited)" : "").append(" | ").append(c.errors()).append(" |\n");
        }
        mdNoRag(md, s);
        mdGoldRanks(md, s);
        md.append("\n## Differences (paired bootstrap, 95% interval)\n\n");
        if (s.comparisons().isEmpty()) md.append("Only one configuration ran.\n");
        else {
            md.append("| candidate − baseline | metric | mean | 95% CI | significant |\n|---|---|---|---|---|\n");
            for (Comparison c : s.comparisons()) {
                md.append("| ").append(c.candidate()).append(" − ").append(c.baseline()).append(" | ").append(c.metric())
                        .append(" | ").append(signed(c.interval().mean())).append(" | [").append(signed(c.interval().low()))
                        .append(", ").append(signed(c.interval().high())).append("] | ")
                        .append(c.interval().significant() ? "yes" : "no").append(" |\n");
            }
        }
        md.append("\n## Latency (ms, p50 / p95)\n\n| config |");
        for (String st : QuestionResult.STAGES) md.append(' ').append(st).append(" |");
        md.append("\n|---|").append("---|".repeat(QuestionResult.STAGES.size())).append('\n');
        for (ConfigSummary c : s.perConfig()) {
            md.append("| ").append(c.name()).append(" |");
            for (String st : QuestionResult.STAGES) {
                Latency l = c.latency().get(st);
                md.append(' ').append(f1d(l.p50())).append(" / ").append(f1d(l.p95())).append(" |");
            }
            md.append('\n');
        }
        if (s.candidate() != null) {
            mdChanges(md, "Where " + s.candidate() + " helped (F1 above " + s.baseline() + ")", s.helped(), s);
            mdChanges(md, "Where " + s.candidate() + " hurt (F1 below " + s.baseline() + ")", s.hurt(), s);
        }
        md.append("\n## Per question (first ").append(Math.min(LIST_LIMIT, s.questions())).append(" of ")
                .append(s.questions()).append("; all in results.jsonl)\n\n| question | gold |");
        for (String c : s.configs()) md.append(' ').append(c).append(" |");
        md.append("\n|---|---|").append("---|".repeat(s.configs().size())).append('\n');
        for (List<QuestionResult> row : rows(s, results, LIST_LIMIT)) {
            QuestionResult first = firstNonNull(row);
            md.append("| ").append(mdCell(first.question())).append(" | ").append(mdCell(String.join(" / ", first.answers())))
                    .append(" |");
            for (QuestionResult r : row) {
                md.append(' ').append(r == null ? "–" : (r.right() ? "✓ " : "✗ ") + mdCell(r.answer())
                        + " (F1 " + f2(r.f1()) + goldRankNote(r) + ")").append(" |");
            }
            md.append('\n');
        }
        if (!s.warnings().isEmpty()) {
            md.append("\n## Warnings\n\n");
            for (String w : s.warnings()) md.append("- ").append(mdCell(w)).append('\n');
        }
        return md.toString();
    }

    /** Why no no-RAG configuration is in the report, or nothing when one is. */
    static String noRagNote(Summary s) {
        if (s.configs().contains("no-rag")) return null;
        boolean extractive = s.perConfig().stream().allMatch(ConfigSummary::extractive);
        return extractive
                ? "not run: the answers are extractive (no --model), i.e. sentences copied from the retrieved passages, "
                        + "so without retrieval there is nothing to answer from. Give a generative model with --model to "
                        + "compare answering without RAG."
                : "not run: no-rag was not among --configs.";
    }

    private static void mdNoRag(StringBuilder md, Summary s) {
        String note = noRagNote(s);
        if (note != null) md.append("\n## No RAG\n\n").append(mdCell(note)).append('\n');
    }

    private static void mdGoldRanks(StringBuilder md, Summary s) {
        List<ConfigSummary> ranked = s.perConfig().stream().filter(c -> !c.goldRanks().isEmpty()).toList();
        if (ranked.isEmpty()) return;
        md.append("\n## Where the gold passage was in the prompt\n\n| config | questions |");
        for (int i = 1; i <= s.k(); i++) md.append(" rank ").append(i).append(" |");
        md.append(" not in prompt |");
        for (int i = 1; i <= s.k(); i++) md.append(" hit@").append(i).append(" |");
        md.append("\n|---|---|").append("---|".repeat(2 * s.k() + 1)).append('\n');
        for (ConfigSummary c : ranked) {
            md.append("| ").append(c.name()).append(" | ").append(c.retrievalQuestions()).append(" |");
            for (int i = 1; i <= s.k(); i++) md.append(' ').append(c.goldRanks().get(i)).append(" |");
            md.append(' ').append(c.goldRanks().get(0)).append(" |");
            for (int i = 1; i <= s.k(); i++) md.append(' ').append(f3(c.hitAt(i))).append(" |");
            md.append('\n');
        }
    }

    /** ", gold rank r" / ", gold not in prompt" for a question with gold ids in a retrieving configuration. */
    private static String goldRankNote(QuestionResult r) {
        if (r.goldRank() == null) return "";
        return r.goldRank() >= 1 ? ", gold rank " + r.goldRank() : ", gold not in prompt";
    }

    private static void mdChanges(StringBuilder md, String title, List<Change> cs, Summary s) {
        md.append("\n## ").append(title).append(": ").append(cs.size()).append(" question(s)\n\n");
        if (cs.isEmpty()) return;
        md.append("| question | gold | ").append(s.baseline()).append(" | ").append(s.candidate()).append(" |\n|---|---|---|---|\n");
        for (Change c : cs.subList(0, Math.min(LIST_LIMIT, cs.size()))) {
            md.append("| ").append(mdCell(c.question())).append(" | ").append(mdCell(String.join(" / ", c.answers())))
                    .append(" | ").append(mdCell(c.baselineAnswer())).append(" (F1 ").append(f2(c.baselineF1()))
                    .append(") | ").append(mdCell(c.candidateAnswer())).append(" (F1 ").append(f2(c.candidateF1()))
                    .append(") |\n");
        }
        if (cs.size() > LIST_LIMIT) md.append("\n").append(cs.size() - LIST_LIMIT).append(" more in summary.json.\n");
    }

    /** A table cell: no line breaks, pipes escaped, HTML-looking text escaped so renderers show it as text. */
    static String mdCell(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
                .replaceAll("\\s+", " ").strip();
    }

    // ---------------------------------------------------------------- html

    private static final Map<String, String> COLORS = Map.of("no-rag", "#8c8c8c", "rag", "#2b6cb0", "rag+rerank", "#dd6b20");

    static String html(Summary s, List<QuestionResult> results) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>ragtune evaluation</title><style>\n"
                + "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;max-width:1100px;"
                + "padding:0 16px;color:#1a202c}\n"
                + "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}\n"
                + "table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #e2e8f0;padding:4px 6px;"
                + "text-align:left;vertical-align:top}th{background:#f7fafc}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
                + ".ok{color:#276749}.bad{color:#9b2c2c}.muted{color:#718096}.sig{font-weight:600}\n"
                + ".charts{display:flex;flex-wrap:wrap;gap:16px}.charts figure{margin:0;border:1px solid #e2e8f0;padding:8px}\n"
                + "figcaption{font-weight:600;margin-bottom:4px}ul.about{columns:2;margin:4px 0;padding-left:18px}\n"
                + "</style></head><body>\n");
        h.append("<h1>RAG evaluation</h1><p class=\"muted\">").append(s.questions()).append(" questions · configurations ")
                .append(esc(String.join(", ", s.configs()))).append(" · k = ").append(s.k()).append("</p>\n");
        if (!s.about().isEmpty()) {
            h.append("<ul class=\"about\">");
            s.about().forEach((key, v) -> h.append("<li><b>").append(esc(key)).append("</b>: ").append(esc(v)).append("</li>"));
            h.append("</ul>\n");
        }
        h.append("<div class=\"charts\"><figure><figcaption>Answer quality per configuration</figcaption>")
                .append(qualityChart(s)).append("</figure><figure><figcaption>Latency per stage (ms, bar p50, tick p95)</figcaption>")
                .append(latencyChart(s)).append("</figure></div>\n");

        h.append("<h2>Metrics</h2><table><tr><th>config</th><th>EM</th><th>F1</th><th>EM (pt)</th><th>F1 (pt)</th>"
                + "<th>contains gold</th><th>contains gold (gold in prompt)</th><th>hit@1</th><th>hit@").append(s.k()).append("</th><th>MRR@").append(s.k())
                .append("</th><th>citation precision</th><th>errors</th></tr>\n");
        for (ConfigSummary c : s.perConfig()) {
            h.append("<tr><td>").append(esc(c.name())).append("</td>");
            for (Double v : Arrays.asList(c.em(), c.f1(), c.emPt(), c.f1Pt(), c.containsGold(), c.containsGoldInPrompt(),
                    c.hitAt1(), c.hitAtK(), c.mrr(), c.citationPrecision())) {
                h.append("<td class=\"n\">").append(f3(v)).append("</td>");
            }
            h.append("<td class=\"n\">").append(c.errors()).append("</td></tr>\n");
        }
        h.append("</table>\n");
        String noRag = noRagNote(s);
        if (noRag != null) h.append("<h2>No RAG</h2><p>").append(esc(noRag)).append("</p>\n");
        htmlGoldRanks(h, s);
        h.append("<h2>Differences (paired bootstrap, 95% interval)</h2>");
        if (s.comparisons().isEmpty()) h.append("<p>Only one configuration ran.</p>");
        else {
            h.append("<table><tr><th>candidate − baseline</th><th>metric</th><th>mean</th><th>95% CI</th><th>significant</th></tr>\n");
            for (Comparison c : s.comparisons()) {
                boolean sig = c.interval().significant();
                h.append("<tr><td>").append(esc(c.candidate() + " − " + c.baseline())).append("</td><td>").append(esc(c.metric()))
                        .append("</td><td class=\"n\">").append(signed(c.interval().mean())).append("</td><td class=\"n\">[")
                        .append(signed(c.interval().low())).append(", ").append(signed(c.interval().high()))
                        .append("]</td><td class=\"").append(sig ? "sig" : "muted").append("\">").append(sig ? "yes" : "no")
                        .append("</td></tr>\n");
            }
            h.append("</table>");
        }
        h.append("\n<h2>Latency (ms, p50 / p95)</h2><table><tr><th>config</th>");
        for (String st : QuestionResult.STAGES) h.append("<th>").append(st).append("</th>");
        h.append("</tr>\n");
        for (ConfigSummary c : s.perConfig()) {
            h.append("<tr><td>").append(esc(c.name())).append("</td>");
            for (String st : QuestionResult.STAGES) {
                Latency l = c.latency().get(st);
                h.append("<td class=\"n\">").append(f1d(l.p50())).append(" / ").append(f1d(l.p95())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        if (s.candidate() != null) {
            htmlChanges(h, "Where " + s.candidate() + " helped (F1 above " + s.baseline() + ")", s.helped(), s);
            htmlChanges(h, "Where " + s.candidate() + " hurt (F1 below " + s.baseline() + ")", s.hurt(), s);
        }
        h.append("<h2>Per question</h2><p class=\"muted\">").append(Math.min(HTML_ROWS, s.questions())).append(" of ")
                .append(s.questions()).append(" questions; every answer is in results.jsonl. ✓ = exact match; for extractive "
                        + "answers (sentences, never an exact match) ✓ = the answer contains a gold answer.</p>"
                        + "<table><tr><th>question</th><th>gold answers</th>");
        for (String c : s.configs()) h.append("<th>").append(esc(c)).append("</th>");
        h.append("</tr>\n");
        for (List<QuestionResult> row : rows(s, results, HTML_ROWS)) {
            QuestionResult first = firstNonNull(row);
            h.append("<tr><td>").append(esc(first.question())).append("</td><td>")
                    .append(esc(String.join(" / ", first.answers()))).append("</td>");
            for (QuestionResult r : row) {
                if (r == null) {
                    h.append("<td class=\"muted\">–</td>");
                    continue;
                }
                h.append("<td><span class=\"").append(r.right() ? "ok\">✓" : "bad\">✗").append("</span> ")
                        .append(esc(r.error() != null ? "error: " + r.error() : r.answer()))
                        .append(" <span class=\"muted\">F1 ").append(f2(r.f1())).append(esc(goldRankNote(r)));
                if (!r.citations().isEmpty()) {
                    List<String> ids = new ArrayList<>();
                    for (QuestionResult.Cited c : r.citations()) ids.add("[" + c.n() + "] " + c.chunkId());
                    h.append(" · ").append(esc(String.join(", ", ids)));
                }
                h.append("</span></td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        if (!s.warnings().isEmpty()) {
            h.append("<h2>Warnings</h2><ul>");
            for (String w : s.warnings()) h.append("<li>").append(esc(w)).append("</li>");
            h.append("</ul>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void htmlGoldRanks(StringBuilder h, Summary s) {
        List<ConfigSummary> ranked = s.perConfig().stream().filter(c -> !c.goldRanks().isEmpty()).toList();
        if (ranked.isEmpty()) return;
        h.append("<h2>Where the gold passage was in the prompt</h2><div class=\"charts\"><figure><figcaption>hit@j, "
                + "j = 1..k</figcaption>").append(hitChart(s)).append("</figure></div><table><tr><th>config</th>"
                + "<th>questions</th>");
        for (int i = 1; i <= s.k(); i++) h.append("<th>rank ").append(i).append("</th>");
        h.append("<th>not in prompt</th></tr>\n");
        for (ConfigSummary c : ranked) {
            h.append("<tr><td>").append(esc(c.name())).append("</td><td class=\"n\">").append(c.retrievalQuestions())
                    .append("</td>");
            for (int i = 1; i <= s.k(); i++) h.append("<td class=\"n\">").append(c.goldRanks().get(i)).append("</td>");
            h.append("<td class=\"n\">").append(c.goldRanks().get(0)).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void htmlChanges(StringBuilder h, String title, List<Change> cs, Summary s) {
        h.append("<h2>").append(esc(title)).append(": ").append(cs.size()).append(" question(s)</h2>\n");
        if (cs.isEmpty()) return;
        h.append("<table><tr><th>question</th><th>gold answers</th><th>").append(esc(s.baseline())).append("</th><th>")
                .append(esc(s.candidate())).append("</th></tr>\n");
        for (Change c : cs.subList(0, Math.min(HTML_LIST_LIMIT, cs.size()))) {
            h.append("<tr><td>").append(esc(c.question())).append("</td><td>").append(esc(String.join(" / ", c.answers())))
                    .append("</td><td>").append(esc(c.baselineAnswer())).append(" <span class=\"muted\">F1 ")
                    .append(f2(c.baselineF1())).append("</span></td><td>").append(esc(c.candidateAnswer()))
                    .append(" <span class=\"muted\">F1 ").append(f2(c.candidateF1())).append("</span></td></tr>\n");
        }
        h.append("</table>\n");
        if (cs.size() > HTML_LIST_LIMIT) h.append("<p class=\"muted\">").append(cs.size() - HTML_LIST_LIMIT).append(" more in summary.json.</p>");
    }

    /** Grouped vertical bars: EM, F1, contains gold, hit@k per configuration, values on [0, 1]. */
    static String qualityChart(Summary s) {
        List<String> labels = List.of("EM", "F1", "F1 (pt)", "contains gold", "hit@" + s.k());
        List<Function<ConfigSummary, Double>> values = List.of(ConfigSummary::em,
                ConfigSummary::f1, ConfigSummary::f1Pt, ConfigSummary::containsGold, ConfigSummary::hitAtK);
        return barChart(s, labels, values, "EM, F1, containment and hit@k per configuration", "quality");
    }

    /** hit@1 … hit@k per configuration. */
    static String hitChart(Summary s) {
        List<String> labels = new ArrayList<>();
        List<Function<ConfigSummary, Double>> values = new ArrayList<>();
        for (int j = 1; j <= s.k(); j++) {
            final int at = j;
            labels.add("hit@" + j);
            values.add(c -> c.hitAt(at));
        }
        return barChart(s, labels, values, "hit@j per configuration", "hits");
    }

    /** Grouped vertical bars, one group per label, one bar per configuration, values on [0, 1]. */
    private static String barChart(Summary s, List<String> labels,
                                   List<Function<ConfigSummary, Double>> values, String aria, String kind) {
        String[] metrics = labels.toArray(new String[0]);
        int groups = metrics.length, n = s.perConfig().size();
        int barW = 22, gap = 26, left = 40, top = 16, plotH = 200;
        int groupW = n * barW + gap;
        int width = left + groups * groupW + 10, height = top + plotH + 60;
        StringBuilder g = new StringBuilder();
        g.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ").append(kind).append("\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(aria)).append("\" font-size=\"11\">");
        for (int t = 0; t <= 4; t++) {
            double v = t / 4.0;
            double y = top + plotH - v * plotH;
            g.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e2e8f0\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#4a5568\">%.2f</text>", left, width - 10, y, y,
                    left - 4, y + 4, v));
        }
        for (int m = 0; m < groups; m++) {
            int x0 = left + m * groupW + gap / 2;
            for (int c = 0; c < n; c++) {
                ConfigSummary cs = s.perConfig().get(c);
                Double v = values.get(m).apply(cs);
                int x = x0 + c * barW;
                if (v == null) {
                    g.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#a0aec0\">–</text>",
                            x + barW / 2, top + plotH - 4));
                    continue;
                }
                double bh = Math.max(0, Math.min(1, v)) * plotH;
                g.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
                                + "<title>%s %s %.3f</title></rect><text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" "
                                + "font-size=\"9\" fill=\"#2d3748\">%.2f</text>", x, top + plotH - bh, barW - 3, bh,
                        color(cs.name()), esc(cs.name()), esc(metrics[m]), v, x + (barW - 3) / 2, top + plotH - bh - 3, v));
            }
            g.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#1a202c\">%s</text>",
                    x0 + n * barW / 2, top + plotH + 16, esc(metrics[m])));
        }
        legend(g, s, left, top + plotH + 36);
        return g.append("</svg>").toString();
    }

    /** Horizontal bars per stage and configuration: p50 as the bar, p95 as a tick. */
    static String latencyChart(Summary s) {
        List<String> stages = QuestionResult.STAGES;
        int n = s.perConfig().size();
        int barH = 12, groupGap = 10, left = 70, plotW = 300, top = 10;
        int height = top + stages.size() * (n * barH + groupGap) + 50, width = left + plotW + 90;
        double max = 0;
        for (ConfigSummary c : s.perConfig()) for (Latency l : c.latency().values()) max = Math.max(max, l.p95());
        max = max <= 0 ? 1 : max;
        StringBuilder g = new StringBuilder();
        g.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart latency\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"latency per stage\" font-size=\"11\">");
        for (int i = 0; i < stages.size(); i++) {
            int y0 = top + i * (n * barH + groupGap);
            g.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#1a202c\">%s</text>",
                    left - 6, y0 + n * barH / 2 + 4, esc(stages.get(i))));
            for (int c = 0; c < n; c++) {
                ConfigSummary cs = s.perConfig().get(c);
                Latency l = cs.latency().get(stages.get(i));
                double w50 = l.p50() / max * plotW, w95 = l.p95() / max * plotW;
                int y = y0 + c * barH;
                g.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                                + "<title>%s %s p50 %.1f ms, p95 %.1f ms</title></rect>"
                                + "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#1a202c\"/>"
                                + "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" fill=\"#4a5568\">%.1f / %.1f</text>",
                        left, y, Math.max(0.5, w50), barH - 2, color(cs.name()), esc(cs.name()), esc(stages.get(i)),
                        l.p50(), l.p95(), left + w95, left + w95, y, y + barH - 2, left + Math.max(w95, w50) + 4,
                        y + barH - 3, l.p50(), l.p95()));
            }
        }
        legend(g, s, left, height - 16);
        return g.append("</svg>").toString();
    }

    private static void legend(StringBuilder g, Summary s, int x, int y) {
        for (ConfigSummary c : s.perConfig()) {
            g.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" fill=\"#1a202c\">%s</text>", x, y - 9, color(c.name()), x + 14, y, esc(c.name())));
            x += 24 + 7 * c.name().length();
        }
    }

    private static String color(String config) {
        return COLORS.getOrDefault(config, "#4a5568");
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- helpers

    /** Rows of the per-question table: one per question (first {@code limit}), one cell per configuration. */
    private static List<List<QuestionResult>> rows(Summary s, List<QuestionResult> results, int limit) {
        Map<String, QuestionResult[]> rows = new LinkedHashMap<>();
        for (QuestionResult r : results) {
            int c = s.configs().indexOf(r.config());
            if (c < 0) continue;
            QuestionResult[] row = rows.get(r.questionId());
            if (row == null) {
                if (rows.size() >= limit) continue;
                row = new QuestionResult[s.configs().size()];
                rows.put(r.questionId(), row);
            }
            row[c] = r;
        }
        List<List<QuestionResult>> out = new ArrayList<>();
        for (QuestionResult[] row : rows.values()) out.add(Arrays.asList(row));
        return out;
    }

    private static QuestionResult firstNonNull(List<QuestionResult> row) {
        for (QuestionResult r : row) if (r != null) return r;
        throw new IllegalStateException("empty row");
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static String f3(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f1d(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String signed(double v) {
        return String.format(Locale.ROOT, "%+.3f", v);
    }
}
