# The operator image: the shaded jar on a Java 21 runtime, run as a non-root user. Migration Jobs
# run the same image with the argument "migrate".
#   mvn -B -q package -DskipTests && docker build -t ghcr.io/dbops/schema-operator:0.1.0 .
FROM eclipse-temurin:21-jre
COPY operator/target/schema-operator.jar /app/schema-operator.jar
COPY examples/quickstart /tmp/training
RUN chown 65532:65532 /app
USER 65532:65532
# A class-data-sharing archive for the short-lived migrate process (see MigrateJvm): written by a
# training run of the same code path, applying the quickstart to a throw-away embedded PostgreSQL.
RUN java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ArchiveClassesAtExit=/app/schema-operator.jsa \
        -jar /app/schema-operator.jar apply -f /tmp/training --embedded \
    && rm -rf /tmp/training /tmp/embedded-pg*
# C1 only (operator.jvm.options in operator/pom.xml): the operator's work comes in bursts (a restart
# reconciles every resource at once) and C2's compiling costs more CPU than its code saves in them.
ENTRYPOINT ["java", "-XX:TieredStopAtLevel=1", "-jar", "/app/schema-operator.jar"]
CMD ["run"]
