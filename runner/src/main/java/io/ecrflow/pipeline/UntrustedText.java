package io.ecrflow.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Makes text ecrflow did not write (build output, a container's log, a tool's error output, a registry's
 * or webhook's answer, branch names) safe to print: no CI can take any part of it for a command, and a
 * reader still sees what it said. Every adapter passes every line it prints through here.
 *
 * <p>Where a command prefix appears, {@link #MARKER} goes between its first two characters, so
 * {@code ##vso[} shows as {@code #\#vso[}, {@code ##[} as {@code #\#[} and a line starting {@code ::} as
 * {@code :\:}. The prefixes are the ones the CIs act on:
 * <ul>
 *   <li>Azure Pipelines: {@code ##vso[} anywhere in a line (azure-pipelines-agent, Command.TryParse finds
 *       it with IndexOf); a line that merely contains {@code ##vso} earns a warning, so that is broken too.</li>
 *   <li>GitHub Actions: {@code ::} at the start of a line after leading white space, and the older
 *       {@code ##[} anywhere (actions/runner, ActionCommand.TryParseV2 and TryParse).</li>
 * </ul>
 * Both runners search with .NET's culture-sensitive IndexOf/StartsWith, which skips characters that
 * collate as nothing (zero-width spaces, soft hyphens, most control characters): {@code ##<ZWSP>vso[} is
 * found as {@code ##vso[}. So a prefix is looked for with those characters skipped, and the marker is a
 * plain ASCII character that counts.
 */
public final class UntrustedText {
    /** What ecrflow puts inside a command prefix it finds in untrusted text. */
    public static final char MARKER = '\\';

    private UntrustedText() {
    }

    /** The text with every command prefix broken, line by line; its line breaks stay as they were. */
    public static String neutralised(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        StringBuilder result = new StringBuilder(text.length() + 8);
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                result.append(neutralisedLine(text.substring(start, i))).append(c);
                start = i + 1;
            }
        }
        return result.append(neutralisedLine(text.substring(start))).toString();
    }

    /**
     * The lines of a text as the agents split a process's output: at CR, LF or CR LF. A lone CR starts a
     * new line there too, so it cannot hide a prefix at the start of what follows it.
     */
    public static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        if (text == null) {
            return lines;
        }
        for (String line : text.split("\\r\\n|\\r|\\n", -1)) {
            lines.add(line);
        }
        if (lines.size() > 1 && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** One line (no CR or LF) with its command prefixes broken. */
    static String neutralisedLine(String line) {
        Skeleton skeleton = Skeleton.of(line);
        TreeSet<Integer> markAt = new TreeSet<>();
        int first = skeleton.firstNonBlank();
        if (skeleton.at(first) == ':' && skeleton.at(first + 1) == ':') {
            markAt.add(skeleton.offset(first + 1));
        }
        for (int i = 0; i + 1 < skeleton.length(); i++) {
            if (skeleton.at(i) == '#' && skeleton.at(i + 1) == '#'
                    && (skeleton.at(i + 2) == '[' || skeleton.isVsoAt(i + 2))) {
                markAt.add(skeleton.offset(i + 1));
            }
        }
        if (markAt.isEmpty()) {
            return line;
        }
        StringBuilder marked = new StringBuilder(line.length() + markAt.size());
        int from = 0;
        for (int offset : markAt) {
            marked.append(line, from, offset).append(MARKER);
            from = offset;
        }
        return marked.append(line, from, line.length()).toString();
    }

    /**
     * A line as a culture-sensitive comparison sees it: the code points that count, each with its offset
     * in the line.
     */
    private record Skeleton(int[] codePoints, int[] offsets) {
        static Skeleton of(String line) {
            int[] points = new int[line.length()];
            int[] offsets = new int[line.length()];
            int count = 0;
            for (int i = 0; i < line.length(); ) {
                int cp = line.codePointAt(i);
                if (!collatesAsNothing(cp)) {
                    points[count] = cp;
                    offsets[count] = i;
                    count++;
                }
                i += Character.charCount(cp);
            }
            return new Skeleton(Arrays.copyOf(points, count), Arrays.copyOf(offsets, count));
        }

        int length() {
            return codePoints.length;
        }

        /** The code point at a position, or -1 past the end. */
        int at(int index) {
            return index >= 0 && index < codePoints.length ? codePoints[index] : -1;
        }

        int offset(int index) {
            return offsets[index];
        }

        /** GitHub trims Unicode white space (.NET's TrimStart) before looking for "::". */
        int firstNonBlank() {
            int i = 0;
            while (i < codePoints.length && (Character.isWhitespace(codePoints[i]) || Character.isSpaceChar(codePoints[i]))) {
                i++;
            }
            return i;
        }

        /** "vso" in any case: the agent's prefix is case-sensitive, breaking more costs nothing. */
        boolean isVsoAt(int index) {
            return lower(at(index)) == 'v' && lower(at(index + 1)) == 's' && lower(at(index + 2)) == 'o';
        }

        private static int lower(int cp) {
            return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
        }
    }

    /**
     * Characters a culture-sensitive .NET search (ICU on Linux and macOS, NLS on Windows) passes over:
     * control and format characters, and the other default-ignorable code points of Unicode's
     * DerivedCoreProperties (variation selectors, Hangul fillers, the tag block...).
     */
    static boolean collatesAsNothing(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT
                || cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5
                || (cp >= 0x180B && cp <= 0x180F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F)
                || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) || (cp >= 0x1BCA0 && cp <= 0x1BCA3)
                || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
    }
}
