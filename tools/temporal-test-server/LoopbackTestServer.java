// Same command line and behaviour as io.temporal.testserver.TestServer#main
// (`<port> [--enable-time-skipping]`), but binds to a single address --
// 127.0.0.1 unless -Dtemporal.testserver.host=... says otherwise -- instead of
// every interface. Compiled at provision time by scripts/dev-services.mjs
// against the pinned temporal-test-server jars (see pom.xml); the wrapper
// scripts/temporal-test-server falls back to the stock main class if this
// class is missing.
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

public final class LoopbackTestServer {
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("Usage: <command> <port> <flags>");
      System.err.println("Flags:");
      System.err.println("--enable-time-skipping - to enable time skipping on start");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    boolean enableTimeSkipping = false;
    if (args.length > 1) {
      if ("--enable-time-skipping".equalsIgnoreCase(args[1])) {
        enableTimeSkipping = true;
      } else {
        System.err.println("Unknown flag " + args[1]);
        System.exit(2);
      }
    }
    String host = System.getProperty("temporal.testserver.host", "127.0.0.1");

    // Same as TestServer.createPortBoundServer(port, !enableTimeSkipping).
    TestServicesStarter services = new TestServicesStarter(!enableTimeSkipping, 0);
    ServerBuilder<?> builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(host, port), InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown();
                  try {
                    server.awaitTermination(5, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  services.close();
                  server.shutdownNow();
                }));
    server.awaitTermination();
  }
}
