package dev.modelbuilder.azure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of log lines and exception messages: URLs lose their query (signed polling URLs and SAS URLs
 * carry signatures there), and text loses anything that looks like a SAS signature, an account key or a bearer
 * token.
 */
final class Redact {
    private static final Pattern URL_QUERY = Pattern.compile("(https?://[^\\s?\"'<>]+)\\?[^\\s\"'<>]*");
    private static final Pattern SIG = Pattern.compile("(?i)((?:sig|se|sv|sp|skoid|sktid|skt|ske|sks|skv|"
            + "AccountKey|SharedAccessSignature)=)[^&;\\s\"'<>]+");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)[A-Za-z0-9._~+/=-]+");

    private Redact() {
    }

    /**
     * @param url a URL
     * @return the URL without its query
     */
    static String url(String url) {
        if (url == null) {
            return null;
        }
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?<query redacted>";
    }

    /**
     * @param text free text, e.g. a message from a storage or credential library
     * @return the text with URL queries, SAS parameters and bearer tokens removed
     */
    static String text(String text) {
        if (text == null) {
            return null;
        }
        String t = URL_QUERY.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "?<redacted>"));
        t = SIG.matcher(t).replaceAll("$1<redacted>");
        return BEARER.matcher(t).replaceAll("$1<redacted>");
    }
}
