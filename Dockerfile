# Keycloak with the pack, optimized for production start-up (Keycloak's container guide, "kc.sh build").
# Build the jar first: mvn -B -DskipTests package
ARG KEYCLOAK_VERSION=26.7.3
FROM quay.io/keycloak/keycloak:${KEYCLOAK_VERSION} AS builder
ENV KC_DB=postgres \
    KC_HEALTH_ENABLED=true \
    KC_METRICS_ENABLED=true
WORKDIR /opt/keycloak
COPY providers/target/merchant-support-keycloak-*.jar /opt/keycloak/providers/
RUN /opt/keycloak/bin/kc.sh build

FROM quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}
COPY --from=builder /opt/keycloak/ /opt/keycloak/
COPY realm-export/merchant-support-realm.json /opt/keycloak/data/import/merchant-support-realm.json
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
CMD ["start", "--optimized", "--import-realm"]
