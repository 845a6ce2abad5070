package dev.modelbuilder.local.implementation;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a fresh JVM by {@link OfflineProofTest}. Before anything else it installs two recorders that never let a
 * request leave the machine:
 * <ul>
 *   <li>a {@link URL} stream handler for http, https and ftp: every connection opened through a URL (which is how
 *       DJL downloads and how it calls the EC2 metadata endpoint, with an explicit no-proxy setting) is recorded and
 *       fails with an {@link IOException} instead of connecting;</li>
 *   <li>a default {@link ProxySelector}: every other HTTP client or plain socket that consults it is recorded and
 *       sent to a closed port on the loopback address.</li>
 * </ul>
 * Then it loads the PyTorch engine, through this module ({@code module}: the offline switch set by
 * {@code DjlRuntime}) or directly through DJL ({@code raw}: the negative control). It prints {@code URI <uri>} per
 * recorded request and {@code ENGINE <version>} once the engine is loaded.
 */
public final class OfflineProbe {
    private static final Set<String> NETWORK_PROTOCOLS = Set.of("http", "https", "ftp");

    private OfflineProbe() {
    }

    /**
     * @param args {@code module} or {@code raw}
     * @throws Exception when the probe cannot run
     */
    public static void main(String[] args) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        URL.setURLStreamHandlerFactory(protocol -> NETWORK_PROTOCOLS.contains(protocol.toLowerCase(Locale.ROOT))
                ? new RecordingHandler(seen) : null);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        InetSocketAddress dead = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort);
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                seen.add(uri.toString());
                boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
                return List.of(new Proxy(http ? Proxy.Type.HTTP : Proxy.Type.SOCKS, dead));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
                // already recorded
            }
        });
        String version;
        if (args.length > 0 && args[0].equals("raw")) {
            version = ai.djl.engine.Engine.getEngine("PyTorch").getVersion();
        } else {
            version = dev.modelbuilder.local.implementation.DjlRuntime.engine().getVersion();
        }
        System.out.println("ENGINE " + version);
        for (String uri : seen) {
            System.out.println("URI " + uri);
        }
        System.out.flush();
    }

    /** Records the URL and hands out a connection that fails instead of connecting. */
    private static final class RecordingHandler extends URLStreamHandler {
        private final List<String> seen;

        RecordingHandler(List<String> seen) {
            this.seen = seen;
        }

        @Override
        protected URLConnection openConnection(URL url) {
            return openConnection(url, Proxy.NO_PROXY);
        }

        @Override
        protected URLConnection openConnection(URL url, Proxy proxy) {
            seen.add(url.toString());
            return new HttpURLConnection(url) {
                @Override
                public void connect() throws IOException {
                    throw new IOException("OfflineProbe: network access to " + url + " blocked");
                }

                @Override
                public java.io.InputStream getInputStream() throws IOException {
                    connect();
                    return null;
                }

                @Override
                public java.io.OutputStream getOutputStream() throws IOException {
                    connect();
                    return null;
                }

                @Override
                public int getResponseCode() throws IOException {
                    connect();
                    return -1;
                }

                @Override
                public void disconnect() {
                }

                @Override
                public boolean usingProxy() {
                    return false;
                }
            };
        }
    }
}
