package io.ecrflow.pipeline;

/**
 * Plain text made safe for a field that renders Markdown (a Teams card's TextBlock and FactSet, a run
 * summary): whatever a branch name, commit message or build log says, it shows as the characters it is,
 * never as a link, an emphasis or a mention. Uses CommonMark's backslash escapes
 * (https://spec.commonmark.org/0.31.2/#backslash-escapes), and escapes both halves of a link's
 * {@code ](} so that a renderer with a simpler parser finds no link either.
 */
public final class MarkdownText {
    // Inline syntax: links and images ([ ] ( ) !), emphasis (* _ ~), code (`), HTML and <at> mentions (< >),
    // tables (|), and the escape character itself.
    private static final String INLINE = "\\`*_~[]()!<>|";
    // Block syntax that counts at the start of a line whatever follows: headings, quotes, setext underlines.
    private static final String LINE_START = "#>=";

    private MarkdownText() {
    }

    public static String escaped(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        boolean lineStart = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (INLINE.indexOf(c) >= 0 || (lineStart && startsABlock(text, i))) {
                out.append('\\');
            }
            out.append(c);
            if (c == '\n' || c == '\r') {
                lineStart = true;
            } else if (c != ' ' && c != '\t' && !Character.isDigit(c)) {
                lineStart = false;
            }
        }
        return out.toString();
    }

    /**
     * At a line's start (after blanks and digits): a heading, quote or underline mark; a bullet or rule
     * ("- ", "+ ", "--"); or the '.' or ')' of an ordered item ("12. "). "6.0-slim" or "-rc" stay as they are.
     */
    private static boolean startsABlock(String text, int index) {
        char c = text.charAt(index);
        boolean afterDigit = index > 0 && Character.isDigit(text.charAt(index - 1));
        char next = index + 1 < text.length() ? text.charAt(index + 1) : ' ';
        boolean blankNext = next == ' ' || next == '\t' || next == '\n' || next == '\r';
        if (afterDigit) {
            return (c == '.' || c == ')') && blankNext;
        }
        return LINE_START.indexOf(c) >= 0 || ((c == '-' || c == '+') && (blankNext || next == c));
    }
}
