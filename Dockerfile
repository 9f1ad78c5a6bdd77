# Ferry's container image: build the jar, jlink a small Java runtime, run as a non-root user.
#
#   docker build -t ferry .
#   docker run --rm -v $PWD/examples:/etc/ferry:ro -p 5556:5556 ferry serve /etc/ferry/config-dev.yaml
#
# Used by deploy/kubernetes (uid 10001 there too). Not built in Ferry's CI: see docs/deployment.md.

# ---- build: the jar (target/ferry.jar) and its dependencies (target/lib/*.jar) ----
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
RUN ./mvnw -B -ntp -DskipTests package

# ---- runtime: only the JDK modules Ferry uses ----
# The module list was found with
#   jdeps --multi-release 25 --print-module-deps --ignore-missing-deps \
#     --class-path 'target/lib/*' target/ferry.jar target/lib/*.jar
# on the built jar and lib/ (Temurin 25, December 2026). Rerun it when dependencies change: a
# missing module shows up as a NoClassDefFoundError at run time, not at build time.
# jdk.crypto.ec is gone since JDK 22 (EC is in java.base); jdk.zipfs is not needed.
RUN "$JAVA_HOME/bin/jlink" \
      --add-modules java.base,java.desktop,java.naming,java.net.http,java.rmi,java.security.jgss,java.sql,jdk.management,jdk.net,jdk.unsupported \
      --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
      --output /opt/java

# ---- final image ----
# Debian slim rather than distroless/static: ACCP, the SQLite driver and junixsocket load native
# libraries that need glibc.
FROM debian:bookworm-slim
RUN groupadd --system --gid 10001 ferry \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/ferry --no-create-home \
      --shell /usr/sbin/nologin ferry \
 && mkdir -p /var/lib/ferry /etc/ferry \
 && chown 10001:10001 /var/lib/ferry
COPY --from=build /opt/java /opt/java
COPY --from=build /src/target/lib/ /opt/ferry/lib/
COPY --from=build /src/target/ferry.jar /opt/ferry/ferry.jar
USER 10001:10001
WORKDIR /var/lib/ferry
EXPOSE 5556 5558
# The flags are bin/ferry's: ACCP loads a native library (JDK 22+ warns unless native access is
# granted) and protobuf, under CEL, uses sun.misc.Unsafe (JDK 24+ warns). The heap follows the
# container's memory limit.
ENTRYPOINT ["/opt/java/bin/java", "--enable-native-access=ALL-UNNAMED", \
            "--sun-misc-unsafe-memory-access=allow", "-XX:MaxRAMPercentage=75", \
            "-jar", "/opt/ferry/ferry.jar"]
CMD ["serve", "/etc/ferry/config.yaml"]
