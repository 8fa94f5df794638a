# The operator image: the shaded jar on a Java 25 runtime, run as a non-root user. Migration Jobs
# run the same image with the argument "migrate".
#   mvn -B -q package -DskipTests && docker build -t ghcr.io/dbops/schema-operator:0.1.0 .
# BASE must be a Java 25 (or later) runtime with `java` on the PATH: the options below need it.
ARG BASE=eclipse-temurin:25-jre
FROM ${BASE}
COPY operator/target/schema-operator.jar /app/schema-operator.jar
COPY --chown=65532:65532 examples/quickstart /tmp/training
# The training run starts PostgreSQL, which refuses a user without a passwd entry.
RUN (getent passwd 65532 || echo 'nonroot:x:65532:65532:nonroot:/nonexistent:/usr/sbin/nologin' >> /etc/passwd) \
    && (getent group 65532 || echo 'nonroot:x:65532:' >> /etc/group) \
    && chown 65532:65532 /app
USER 65532:65532
# The AOT cache (JEP 483, 514, 515) that migration Jobs (MigrateJvm) and the operator start from:
# classes loaded and linked ahead of time, recorded by one training run of the same code paths,
# applying the quickstart to a throw-away embedded PostgreSQL and starting the operator up to its
# first API request. It is only valid for this jar on this JVM, so it is made here, in the image.
RUN java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:AOTCacheOutput=/app/schema-operator.aot \
        -jar /app/schema-operator.jar train -f /tmp/training \
    && rm -rf /tmp/training /tmp/embedded-pg* /tmp/epg* /tmp/schema-operator-*
# C1 only (operator.jvm.options in operator/pom.xml): the operator's work comes in bursts (a restart
# reconciles every resource at once) and C2's compiling costs more CPU than its code saves in them.
ENTRYPOINT ["java", "-XX:TieredStopAtLevel=1", "-XX:MaxRAMPercentage=50", "-XX:AOTCache=/app/schema-operator.aot", "-jar", "/app/schema-operator.jar"]
CMD ["run"]
