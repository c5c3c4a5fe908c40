package dev.ragtune.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who may call: token, Host (DNS rebinding) and Origin / Sec-Fetch-Site (cross-site requests), decided without a server. */
class AccessPolicyTest {
    final AccessPolicy open = AccessPolicy.forBind("127.0.0.1", null, Set.of());
    final AccessPolicy tokened = AccessPolicy.forBind("127.0.0.1", "s3cret", Set.of());

    @Test
    void loopbackAcceptsItsOwnNamesAndRefusesARebindingName() {
        assertThat(open.check(true, false, "127.0.0.1:8080", null, null, null)).isNull();
        assertThat(open.check(true, false, "localhost:8080", null, null, null)).isNull();
        assertThat(open.check(true, false, "[::1]:8080", null, null, null)).isNull();
        AccessPolicy.Refusal r = open.check(true, false, "attacker.example:8080", null, null, null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.message()).contains("attacker.example").contains("--allow-host");
        assertThat(open.check(false, false, null, null, null, null).status()).isEqualTo(403);
    }

    @Test
    void extraNamesAreAcceptedAndAWildcardBindChecksOnlyThoseGiven() {
        AccessPolicy named = AccessPolicy.forBind("127.0.0.1", null, Set.of("Rag.Example.org"));
        assertThat(named.check(true, false, "rag.example.org", null, null, null)).isNull();
        AccessPolicy wildcard = AccessPolicy.forBind("0.0.0.0", "t", Set.of());
        assertThat(wildcard.check(true, false, "anything:1", null, null, "Bearer t")).isNull();
    }

    @Test
    void stateChangesFromAnotherOriginAreRefusedAndTheSameOriginPasses() {
        String host = "127.0.0.1:8080";
        assertThat(open.check(true, true, host, "http://127.0.0.1:8080", "same-origin", null)).isNull();
        assertThat(open.check(true, true, host, null, null, null)).as("curl: no browser headers").isNull();
        assertThat(open.check(true, true, host, "http://evil.example", null, null).status()).isEqualTo(403);
        assertThat(open.check(true, true, host, "http://127.0.0.1:9999", null, null).status()).as("other port").isEqualTo(403);
        assertThat(open.check(true, true, host, "null", null, null).status()).as("sandboxed or file page").isEqualTo(403);
        assertThat(open.check(true, true, host, null, "cross-site", null).status()).isEqualTo(403);
        assertThat(open.check(true, true, host, null, "same-site", null).status()).isEqualTo(403);
        assertThat(open.check(true, false, host, "http://evil.example", "cross-site", null)).as("reads are CORS's job").isNull();
    }

    @Test
    void withATokenEveryApiCallNeedsTheBearerAndThePageDoesNot() {
        String host = "127.0.0.1:8080";
        assertThat(tokened.check(true, false, host, null, null, null).status()).isEqualTo(401);
        assertThat(tokened.check(true, false, host, null, null, "Bearer wrong").status()).isEqualTo(401);
        assertThat(tokened.check(true, false, host, null, null, "Basic s3cret").status()).isEqualTo(401);
        assertThat(tokened.check(true, false, host, null, null, "Bearer s3cret")).isNull();
        assertThat(tokened.check(true, false, host, null, null, "bearer s3cret")).isNull();
        assertThat(tokened.check(false, false, host, null, null, null)).isNull();
    }

    @Test
    void theNamePartOfAHostHeader() {
        assertThat(AccessPolicy.hostName("Example.ORG:80")).isEqualTo("example.org");
        assertThat(AccessPolicy.hostName("[::1]:8080")).isEqualTo("::1");
        assertThat(AccessPolicy.hostName("localhost")).isEqualTo("localhost");
    }
}
