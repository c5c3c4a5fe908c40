package dev.ragtune.rag.answer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kind of answer a question asks for, from its wording in English or Portuguese (how many / quantos → a number,
 * when / quando → a date, who / quem → a name, where / onde → a place), and which words of a sentence are of that
 * kind. Words the question itself contains never count: "How many people lived in Warsaw in 1939?" is not answered
 * by a sentence because it repeats 1939.
 */
enum QuestionCue {
    NUMBER, DATE, PERSON, PLACE, NONE;

    private static final Pattern NUMBER_Q = Pattern.compile("\\b(how (many|much|long|old|far|large|big|tall|high|"
            + "often|fast|wide|deep)|what (percentage|percent|proportion|amount|number|size|length|population|"
            + "temperature|price|cost|distance|speed)|population|number of|"
            + "quant[oa]s?|qual (é )?(o|a) (número|quantidade|valor|percentual|porcentagem|tamanho|total)|"
            + "que (quantidade|percentual|porcentagem|número)|população)\\b", Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE);
    private static final Pattern DATE_Q = Pattern.compile("\\b(when|what (year|century|decade|date|month|day|time)|"
            + "which (year|century|decade|date|month)|quando|(em )?(que|qual) (ano|século|década|data|mês|dia|época|"
            + "período))\\b", Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE);
    private static final Pattern PERSON_Q = Pattern.compile("(^|\\b)(who|whom|whose|quem|por quem|"
            + "(which|what) (\\p{L}+ )?(person|man|woman|king|queen|president|emperor|author|writer|scientist|"
            + "archaeologist|artist|player|coach|leader|general|pope|architect|composer|company|team|network|"
            + "organization|university|group|band|name)|(qual|quais) (o |a |os |as )?(nome|autor|autora|presidente|"
            + "empresa|universidade|instituição|órgão))\\b",
            Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE);
    private static final Pattern PLACE_Q = Pattern.compile("\\b(where|onde|(em|de) (que|qual) (cidade|país|estado|"
            + "local|lugar|região|continente)|what (city|country|state|region|place)|(qual|what) (é |is )?(a |the )?"
            + "capital)\\b",
            Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE);

    private static final Pattern NUMBER_WORD = Pattern.compile("(?<![\\p{L}\\p{N}])\\p{N}([\\p{N}.,]*\\p{N})?%?(?![\\p{L}\\p{N}])"
            + "(\\s+(hundred|thousand|million|billion|trillion|mil|milhão|milhões|bilhão|bilhões)\\b)?|\\b(one|two|three|four|five|six|"
            + "seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
            + "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|dozen|"
            + "dois|duas|três|quatro|cinco|seis|sete|oito|nove|dez|onze|doze|vinte|trinta|quarenta|cinquenta|cem|"
            + "cento|mil|milhão|milhões|bilhão|bilhões|dezena|dezenas|centenas)\\b",
            Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern DATE_WORD = Pattern.compile("\\b(1\\d{3}|20\\d{2}|\\d{1,2}(st|nd|rd|th)|"
            + "january|february|march|april|may|june|july|august|september|october|november|december|century|"
            + "centuries|decade|janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|"
            + "dezembro|século|séculos|década|\\d{1,2}/\\d{1,2}(/\\d{2,4})?)s?\\b",
            Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);
    /**
     * Capitalized words (a name or a place, "Belo Horizonte", "Maria da Silva"); at a sentence's start only two or
     * more of them, since any sentence starts with a capital.
     */
    private static final String CAPITALIZED = "\\p{Lu}[\\p{L}'’-]+";
    private static final String NEXT_NAME = "\\s+((de|da|do|dos|das|von|van|der|of)\\s+)?" + CAPITALIZED;
    private static final Pattern NAME_WORD = Pattern.compile("(?<=[\\p{L}\\p{N},;:()\"'] )" + CAPITALIZED
            + "(" + NEXT_NAME + ")*|(?<=^|[.!?] )" + CAPITALIZED + "(" + NEXT_NAME + ")+",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+", Pattern.UNICODE_CHARACTER_CLASS);

    /** The cue of a question; {@link #NONE} when its wording names no kind of answer. */
    static QuestionCue of(String question) {
        String q = question.strip();
        if (DATE_Q.matcher(q).find()) return DATE;
        if (NUMBER_Q.matcher(q).find()) return NUMBER;
        if (PERSON_Q.matcher(q).find()) return PERSON;
        if (PLACE_Q.matcher(q).find()) return PLACE;
        return NONE;
    }

    /** The words of {@code sentence} of this kind that {@code question} does not contain, in order. */
    List<String> candidates(String sentence, String question) {
        Pattern p = switch (this) {
            case NUMBER -> NUMBER_WORD;
            case DATE -> DATE_WORD;
            case PERSON, PLACE -> NAME_WORD;
            case NONE -> null;
        };
        if (p == null) return List.of();
        Set<String> asked = words(question);
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(sentence);
        while (m.find()) {
            String w = m.group();
            if (!asked.containsAll(words(w))) out.add(w);
        }
        return out;
    }

    static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) out.add(m.group());
        return out;
    }
}
