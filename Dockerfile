# neuronfit serve in a container: docs/serve.md. Not built in CI.
#   docker build -t neuronfit .
#   docker run --rm -p 8080:8080 -v /srv/models:/models:ro neuronfit --models /models
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -Dspotless.check.skip=true package

FROM eclipse-temurin:17-jre
RUN useradd --system --create-home --home-dir /var/lib/neuronfit neuronfit
COPY --from=build /src/cli/target/neuronfit.jar /opt/neuronfit/neuronfit.jar
USER neuronfit
ENV XDG_CACHE_HOME=/var/lib/neuronfit/cache
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-jar", "/opt/neuronfit/neuronfit.jar", \
            "serve", "--bind", "0.0.0.0", "--port", "8080"]
