package io.pgrunbooks.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class S3StoreTest {

  @Test
  void restartedStoreServesTheSameObjectsOnTheSamePort() throws Exception {
    Path dir = Files.createTempDirectory("runbooks-s3-");
    try (S3Store store = S3Store.start(new S3StoreOptions(0, dir, "archive", "ak", "sk-secret"));
        S3Client client = client(store)) {
      client.putObject(b -> b.bucket("archive").key("a/b.txt"), RequestBody.fromString("kept"));

      store.stop();
      assertThat(Processes.accepts(store.port())).isFalse();
      store.start();

      assertThat(client.getObjectAsBytes(b -> b.bucket("archive").key("a/b.txt")).asString(StandardCharsets.UTF_8))
          .isEqualTo("kept");
      assertThat(dir.resolve("archive")).isDirectory();
    } finally {
      Processes.deleteTree(dir);
    }
  }

  private static S3Client client(S3Store store) {
    return S3Client.builder()
        .endpointOverride(store.endpoint())
        .forcePathStyle(true)
        .region(Region.of(store.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(store.accessKey(), store.secretKey())))
        .build();
  }
}
