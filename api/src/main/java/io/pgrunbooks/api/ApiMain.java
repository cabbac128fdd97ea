package io.pgrunbooks.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code pg-runbooks-api.jar}: {@code serve --config <file>} (the worker's style), or
 * Dropwizard's own {@code server <file>} and {@code check <file>}. Without a file, {@code $RUNBOOKS_CONFIG}.
 */
public final class ApiMain {
  private ApiMain() {}

  public static void main(String[] args) throws Exception {
    // Dropwizard's own --version reads the jar manifest; ours is the one every entry point prints.
    if (List.of(args).contains("--version")) {
      System.out.println(io.pgrunbooks.config.BuildInfo.current().line("pg-runbooks-api"));
      return;
    }
    new ApiApplication().run(dropwizardArgs(args, System.getenv("RUNBOOKS_CONFIG")));
  }

  /** {@code serve --config f} becomes {@code server f}; {@code serve} alone uses {@code $RUNBOOKS_CONFIG}. */
  static String[] dropwizardArgs(String[] args, String configEnv) {
    if (args.length == 0 || !args[0].equals("serve")) {
      return args;
    }
    List<String> out = new ArrayList<>(List.of("server"));
    String file = configEnv;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[++i];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      } else {
        throw new IllegalArgumentException("serve takes only --config <file>, got " + args[i]);
      }
    }
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("serve needs --config <file> (or RUNBOOKS_CONFIG)");
    }
    out.add(file);
    return out.toArray(String[]::new);
  }
}
