package com.merchantsupport.keycloak.journey;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for a person's name, wherever it is set (the registration form, the account console, the admin API
 * through {@link PersonNameValidator}; a provider's profile through {@link #clean}), and whether a mail may greet by
 * it ({@link #looksLikeLink}). Pure, so that each part is unit-tested.
 *
 * <p>A name holds no control character (Unicode Cc), no line or paragraph separator, no invisible formatting
 * character (Unicode Cf: bidi controls and isolates, zero-width space, word joiner, byte order mark, soft hyphen...),
 * and no URL scheme ({@code ://}, also written with full-width characters). Two Cf characters are part of real names:
 * the zero-width non-joiner (Persian, "می‌خواهم") and the zero-width joiner (emoji sequences, "👩‍💻"), allowed
 * between two visible characters, never at an end, next to a space or doubled; and the tag characters of an emoji
 * flag (🏴 followed by tags) are allowed after that flag.
 */
public final class PersonNames {

    /** The form's and the user profile's message keys (login bundles): invisible or control characters. */
    public static final String INVISIBLE_CHARACTERS = "merchantNameControlCharacters";
    /** ... a web address. */
    public static final String WEB_ADDRESS = "merchantNameWebAddress";

    private static final int ZWNJ = 0x200C;
    private static final int ZWJ = 0x200D;
    private static final int BLACK_FLAG = 0x1F3F4;
    private static final int TAG_FIRST = 0xE0020;
    private static final int TAG_LAST = 0xE007F;
    private static final String SCHEME = "://";
    /** A dot between letters (or a digit and a letter): "evil.com", "a.b", "shop1.io"; also the ideographic full stop. */
    private static final Pattern DOTTED = Pattern.compile("[\\p{L}\\p{N}][.\u3002]\\p{L}");
    private static final Pattern SPACES = Pattern.compile("[\\s\\p{Z}]+");

    private PersonNames() {
    }

    /** Why the name is refused (a message key), or empty when it follows the rule. Length and presence are the user profile's. */
    public static Optional<String> refusal(String name) {
        if (name == null) {
            return Optional.empty();
        }
        int[] cps = name.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            if (!allowedAt(cps, i)) {
                return Optional.of(INVISIBLE_CHARACTERS);
            }
        }
        return hasScheme(name) ? Optional.of(WEB_ADDRESS) : Optional.empty();
    }

    /**
     * A name from someone else's profile (an identity provider's), made to follow the rule instead of refused:
     * control characters and separators become spaces, other invisible characters and misplaced joiners go, each
     * word holding a {@code ://} goes, runs of spaces become one, cut to {@link MerchantProfile#NAME_MAX_LENGTH}
     * (never inside a surrogate pair). Null when nothing is left.
     */
    public static String clean(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder visible = new StringBuilder();
        int[] cps = value.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            int cp = cps[i];
            if (isJoiner(cp) || allowedAt(cps, i)) {
                visible.appendCodePoint(cp); // joiners: placed once the words are known
            } else if (isSpaceLike(cp)) {
                visible.append(' ');
            }
        }
        StringBuilder words = new StringBuilder();
        for (String word : SPACES.split(visible)) {
            if (!word.isEmpty() && !hasScheme(word)) {
                words.append(words.isEmpty() ? "" : " ").append(word);
            }
        }
        String s = words.toString();
        if (s.length() > MerchantProfile.NAME_MAX_LENGTH) {
            int end = MerchantProfile.NAME_MAX_LENGTH;
            if (Character.isHighSurrogate(s.charAt(end - 1))) {
                end--;
            }
            s = s.substring(0, end);
        }
        s = withoutMisplacedJoiners(s).strip();
        return s.isEmpty() ? null : s;
    }

    /**
     * Whether a mail client could turn the name into a link, or it must not be shown at all: a {@code ://}, an
     * {@code @}, {@code www}, a dot between letters ("evil.com"), or a name {@link #refusal} refuses (one kept from
     * before the rule). A mail greets by the name only when this is false.
     */
    public static boolean looksLikeLink(String name) {
        if (name == null || refusal(name).isPresent()) {
            return true;
        }
        String s = Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return s.contains(SCHEME) || s.contains("@") || s.contains("www") || DOTTED.matcher(s).find();
    }

    /** Whether the code point at {@code i} may stand there in a name. */
    private static boolean allowedAt(int[] cps, int i) {
        int cp = cps[i];
        if (isJoiner(cp)) {
            return i > 0 && i < cps.length - 1 && visible(cps[i - 1]) && visible(cps[i + 1]);
        }
        if (isTag(cp)) {
            int j = i - 1;
            while (j >= 0 && isTag(cps[j])) {
                j--;
            }
            return j >= 0 && cps[j] == BLACK_FLAG;
        }
        int type = Character.getType(cp);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
    }

    /** What a joiner may stand between: neither a space, nor a joiner, nor an invisible character. */
    private static boolean visible(int cp) {
        int type = Character.getType(cp);
        return !isJoiner(cp) && !isSpaceLike(cp) && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.UNASSIGNED;
    }

    private static boolean isTag(int cp) {
        return cp >= TAG_FIRST && cp <= TAG_LAST;
    }

    private static boolean isJoiner(int cp) {
        return cp == ZWNJ || cp == ZWJ;
    }

    private static boolean isSpaceLike(int cp) {
        int type = Character.getType(cp);
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || type == Character.CONTROL;
    }

    /** Drops each joiner that does not stand between two visible characters (so of a doubled one, the first). */
    private static String withoutMisplacedJoiners(String s) {
        int[] cps = s.codePoints().toArray();
        StringBuilder out = new StringBuilder(s.length());
        int previous = -1;
        for (int i = 0; i < cps.length; i++) {
            int cp = cps[i];
            if (isJoiner(cp) && !(previous >= 0 && visible(previous) && i + 1 < cps.length && visible(cps[i + 1]))) {
                continue;
            }
            out.appendCodePoint(cp);
            previous = cp;
        }
        return out.toString();
    }

    /** {@code ://}, also written with full-width or other compatibility forms of its characters. */
    private static boolean hasScheme(String s) {
        return s.contains(SCHEME) || Normalizer.normalize(s, Normalizer.Form.NFKC).contains(SCHEME);
    }
}
