package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FabricExtension.class)
class FabricBootTest {

    @Test
    void allFourServicesAnswerHealthOnTheirOwnPorts(Fabric fabric) {
        for (String s : List.of("mm", "iommu", "device", "gateway")) {
            Api.Response r = new Api(fabric.url(s), null).get("/actuator/health");
            assertThat(r.status()).as(s).isEqualTo(200);
            assertThat(r.json().path("status").asString()).as(s).isEqualTo("UP");
        }
    }

    /** Kubernetes' probes (deploy/k8s): the actuator's liveness and readiness groups, open like /actuator/health. */
    @Test
    void everyServiceAnswersItsLivenessAndReadinessProbesWithoutCredentials(Fabric fabric) {
        for (String s : List.of("mm", "iommu", "device", "gateway")) {
            for (String group : List.of("liveness", "readiness")) {
                Api.Response r = new Api(fabric.url(s), null).get("/actuator/health/" + group);
                assertThat(r.status()).as(s + " " + group + " " + r).isEqualTo(200);
                assertThat(r.json().path("status").asString()).as(s + " " + group).isEqualTo("UP");
            }
        }
    }

    @Test
    void internalServicesRefuseCallersWithoutTheServiceCredential(Fabric fabric) {
        for (String s : List.of("mm", "iommu", "device")) {
            Api.Response r = new Api(fabric.url(s), null).get("/actuator/prometheus");
            assertThat(r.status()).as(s).isEqualTo(401);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().path("errno").asString()).isEqualTo("EPERM");
        }
    }
}
