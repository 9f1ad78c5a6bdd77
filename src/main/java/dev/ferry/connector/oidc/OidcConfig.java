package dev.ferry.connector.oidc;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The {@code config} of a Dex connector of type {@code oidc}, key for key (Dex: connector/oidc
 * Config). Keys are Dex's camelCase names, except {@code claimMapping}, whose keys are the claim
 * names with underscores. Keys used only by the browser flow are kept so that a Dex config round
 * trips and a later callback capability can use them. Absent strings are {@code ""}, absent lists
 * empty, as Go's zero values are.
 *
 * <p>Ferry's own keys, beside Dex's: {@code jwks} (an inline JWKS, as a YAML/JSON object or a JSON
 * string) and {@code jwksFile} (a path to one). With either, the connector trusts exactly those
 * keys and makes no discovery or JWKS request ({@link PinnedJwks}).
 */
public record OidcConfig(
    @JsonProperty("issuer") String issuer,
    @JsonProperty("issuerAlias") String issuerAlias,
    @JsonProperty("clientID") String clientId,
    @JsonProperty("clientSecret") String clientSecret,
    @JsonProperty("redirectURI") String redirectUri,
    @JsonProperty("providerDiscoveryOverrides") DiscoveryOverrides providerDiscoveryOverrides,
    @JsonProperty("basicAuthUnsupported") @Nullable Boolean basicAuthUnsupported,
    @JsonProperty("scopes") List<String> scopes,
    @JsonProperty("hostedDomains") List<String> hostedDomains,
    @JsonProperty("rootCAs") List<String> rootCas,
    @JsonProperty("insecureSkipVerify") boolean insecureSkipVerify,
    @JsonProperty("insecureSkipEmailVerified") boolean insecureSkipEmailVerified,
    @JsonProperty("insecureEnableGroups") boolean insecureEnableGroups,
    @JsonProperty("allowedGroups") List<String> allowedGroups,
    @JsonProperty("acrValues") List<String> acrValues,
    @JsonProperty("getUserInfo") boolean getUserInfo,
    @JsonProperty("userIDKey") String userIdKey,
    @JsonProperty("userNameKey") String userNameKey,
    @JsonProperty("promptType") @Nullable String promptType,
    @JsonProperty("pkceChallenge") String pkceChallenge,
    @JsonProperty("overrideClaimMapping") boolean overrideClaimMapping,
    @JsonProperty("claimMapping") ClaimMapping claimMapping,
    @JsonProperty("claimModifications") ClaimModifications claimModifications,
    @JsonProperty("jwks") @Nullable JsonNode jwks,
    @JsonProperty("jwksFile") String jwksFile) {

  public OidcConfig(
      @Nullable String issuer,
      @Nullable String issuerAlias,
      @Nullable String clientId,
      @Nullable String clientSecret,
      @Nullable String redirectUri,
      @Nullable DiscoveryOverrides providerDiscoveryOverrides,
      @Nullable Boolean basicAuthUnsupported,
      @Nullable List<String> scopes,
      @Nullable List<String> hostedDomains,
      @Nullable List<String> rootCas,
      boolean insecureSkipVerify,
      boolean insecureSkipEmailVerified,
      boolean insecureEnableGroups,
      @Nullable List<String> allowedGroups,
      @Nullable List<String> acrValues,
      boolean getUserInfo,
      @Nullable String userIdKey,
      @Nullable String userNameKey,
      @Nullable String promptType,
      @Nullable String pkceChallenge,
      boolean overrideClaimMapping,
      @Nullable ClaimMapping claimMapping,
      @Nullable ClaimModifications claimModifications,
      @Nullable JsonNode jwks,
      @Nullable String jwksFile) {
    this.issuer = orEmpty(issuer);
    this.issuerAlias = orEmpty(issuerAlias);
    this.clientId = orEmpty(clientId);
    this.clientSecret = orEmpty(clientSecret);
    this.redirectUri = orEmpty(redirectUri);
    this.providerDiscoveryOverrides =
        providerDiscoveryOverrides == null
            ? new DiscoveryOverrides(null, null, null, null, null, null)
            : providerDiscoveryOverrides;
    this.basicAuthUnsupported = basicAuthUnsupported;
    this.scopes = copy(scopes);
    this.hostedDomains = copy(hostedDomains);
    this.rootCas = copy(rootCas);
    this.insecureSkipVerify = insecureSkipVerify;
    this.insecureSkipEmailVerified = insecureSkipEmailVerified;
    this.insecureEnableGroups = insecureEnableGroups;
    this.allowedGroups = copy(allowedGroups);
    this.acrValues = copy(acrValues);
    this.getUserInfo = getUserInfo;
    this.userIdKey = orEmpty(userIdKey);
    this.userNameKey = orEmpty(userNameKey);
    this.promptType = promptType;
    this.pkceChallenge = orEmpty(pkceChallenge);
    this.overrideClaimMapping = overrideClaimMapping;
    this.claimMapping = claimMapping == null ? new ClaimMapping(null, null, null) : claimMapping;
    this.claimModifications =
        claimModifications == null ? new ClaimModifications(null, null, null) : claimModifications;
    // "jwks: null" (or an empty YAML value) means the key is absent, as for Go's pointer fields.
    this.jwks = jwks == null || jwks.isNull() || jwks.isMissingNode() ? null : jwks;
    this.jwksFile = orEmpty(jwksFile);
  }

  /** Whether the keys are given ({@code jwks} or {@code jwksFile}): no discovery, no fetch. */
  public boolean pinsKeys() {
    return jwks != null || !jwksFile.isEmpty();
  }

  /** The {@code iss} that tokens must carry when it is known from the config alone. */
  String configuredIssuer() {
    return issuerAlias.isEmpty() ? issuer : issuerAlias;
  }

  /**
   * The scopes the connector would request upstream: {@code openid} first, then {@code scopes}, or
   * {@code profile email} when none are configured (Dex: oidc Open). Token exchange uses them only
   * to decide whether {@code email} is required (Dex: connector/oidc/oidc.go
   * oidcConnector.createIdentity, {@code hasEmailScope}).
   */
  public List<String> effectiveScopes() {
    return scopes.isEmpty()
        ? List.of("openid", "profile", "email")
        : Stream.concat(Stream.of("openid"), scopes.stream()).toList();
  }

  /** Names the connector's upstream; never shows {@code clientSecret}, which may reach a log. */
  @Override
  public String toString() {
    return "OidcConfig[issuer="
        + issuer
        + ", issuerAlias="
        + issuerAlias
        + ", clientID="
        + clientId
        + ", clientSecret="
        + (clientSecret.isEmpty() ? "" : "(redacted)")
        + ", getUserInfo="
        + getUserInfo
        + ", scopes="
        + scopes
        + (jwks == null ? "" : ", jwks=(inline)")
        + (jwksFile.isEmpty() ? "" : ", jwksFile=" + jwksFile)
        + "]";
  }

  /** {@code providerDiscoveryOverrides}: each non-empty URL replaces the discovered one. */
  public record DiscoveryOverrides(
      @JsonProperty("tokenURL") String tokenUrl,
      @JsonProperty("authURL") String authUrl,
      @JsonProperty("jwksURL") String jwksUrl,
      @JsonProperty("userInfoURL") String userInfoUrl,
      @JsonProperty("deviceAuthURL") String deviceAuthUrl,
      @JsonProperty("endSessionURL") String endSessionUrl) {

    public DiscoveryOverrides(
        @Nullable String tokenUrl,
        @Nullable String authUrl,
        @Nullable String jwksUrl,
        @Nullable String userInfoUrl,
        @Nullable String deviceAuthUrl,
        @Nullable String endSessionUrl) {
      this.tokenUrl = orEmpty(tokenUrl);
      this.authUrl = orEmpty(authUrl);
      this.jwksUrl = orEmpty(jwksUrl);
      this.userInfoUrl = orEmpty(userInfoUrl);
      this.deviceAuthUrl = orEmpty(deviceAuthUrl);
      this.endSessionUrl = orEmpty(endSessionUrl);
    }

    public boolean isEmpty() {
      return tokenUrl.isEmpty()
          && authUrl.isEmpty()
          && jwksUrl.isEmpty()
          && userInfoUrl.isEmpty()
          && deviceAuthUrl.isEmpty()
          && endSessionUrl.isEmpty();
    }
  }

  /** {@code claimMapping}: fallback claim names (Dex JSON keys use underscores). */
  public record ClaimMapping(
      @JsonProperty("preferred_username") String preferredUsername,
      @JsonProperty("email") String email,
      @JsonProperty("groups") String groups) {

    public ClaimMapping(
        @Nullable String preferredUsername, @Nullable String email, @Nullable String groups) {
      this.preferredUsername = orEmpty(preferredUsername);
      this.email = orEmpty(email);
      this.groups = orEmpty(groups);
    }
  }

  /** {@code claimModifications}. */
  public record ClaimModifications(
      @JsonProperty("newGroupFromClaims") List<NewGroupFromClaims> newGroupFromClaims,
      @JsonProperty("filterGroupClaims") FilterGroupClaims filterGroupClaims,
      @JsonProperty("modifyGroupNames") ModifyGroupNames modifyGroupNames) {

    public ClaimModifications(
        @Nullable List<NewGroupFromClaims> newGroupFromClaims,
        @Nullable FilterGroupClaims filterGroupClaims,
        @Nullable ModifyGroupNames modifyGroupNames) {
      this.newGroupFromClaims = copy(newGroupFromClaims);
      this.filterGroupClaims =
          filterGroupClaims == null ? new FilterGroupClaims(null) : filterGroupClaims;
      this.modifyGroupNames =
          modifyGroupNames == null ? new ModifyGroupNames(null, null) : modifyGroupNames;
    }
  }

  /** One {@code newGroupFromClaims} rule: {@code prefix + delimiter + claim values...}. */
  public record NewGroupFromClaims(
      @JsonProperty("claims") List<String> claims,
      @JsonProperty("delimiter") String delimiter,
      @JsonProperty("clearDelimiter") boolean clearDelimiter,
      @JsonProperty("prefix") String prefix) {

    public NewGroupFromClaims(
        @Nullable List<String> claims,
        @Nullable String delimiter,
        boolean clearDelimiter,
        @Nullable String prefix) {
      this.claims = copy(claims);
      this.delimiter = orEmpty(delimiter);
      this.clearDelimiter = clearDelimiter;
      this.prefix = orEmpty(prefix);
    }
  }

  /** {@code filterGroupClaims.groupsFilter}: a regular expression groups must match. */
  public record FilterGroupClaims(@JsonProperty("groupsFilter") String groupsFilter) {
    public FilterGroupClaims(@Nullable String groupsFilter) {
      this.groupsFilter = orEmpty(groupsFilter);
    }
  }

  /** {@code modifyGroupNames}: text added before and after every claimed group. */
  public record ModifyGroupNames(
      @JsonProperty("prefix") String prefix, @JsonProperty("suffix") String suffix) {
    public ModifyGroupNames(@Nullable String prefix, @Nullable String suffix) {
      this.prefix = orEmpty(prefix);
      this.suffix = orEmpty(suffix);
    }
  }

  private static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }

  private static <T> List<T> copy(@Nullable List<T> values) {
    if (values == null) {
      return List.of();
    }
    // Go's JSON decoding keeps null list elements as zero values; Ferry drops them rather than
    // carrying nulls through List.copyOf, which rejects them.
    return values.stream().filter(Objects::nonNull).toList();
  }
}
