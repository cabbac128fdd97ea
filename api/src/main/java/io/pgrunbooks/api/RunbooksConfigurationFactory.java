package io.pgrunbooks.api;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.pgrunbooks.config.ConfigException;
import io.pgrunbooks.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The bridge that lets {@code server <file>} read the pg-runbooks config file: it is loaded and
 * validated by the config module (with {@code ${VAR}} substitution and path-named errors), never
 * parsed as Dropwizard YAML.
 */
final class RunbooksConfigurationFactory implements ConfigurationFactory<ApiConfiguration> {
  private final Map<String, String> env;

  RunbooksConfigurationFactory(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public ApiConfiguration build(ConfigurationSourceProvider provider, String path)
      throws IOException, ConfigurationException {
    try {
      return new ApiConfiguration(ConfigLoader.load(Path.of(path), env), env);
    } catch (ConfigException e) {
      throw new ConfigurationException(path, List.of(e.getMessage())) {};
    }
  }

  @Override
  public ApiConfiguration build() throws IOException, ConfigurationException {
    throw new ConfigurationException("(none)", List.of("give the config file: serve --config <file>")) {};
  }
}
