/**
 * The Dex {@code gitlab} connector's token-identity capability: a GitLab OAuth or personal access
 * token is checked by GitLab itself ({@code /api/v4/user}), and the user's groups, with their roles
 * when asked, come from {@code /oauth/userinfo} or the groups API (Dex: connector/gitlab/gitlab.go
 * gitlabConnector.TokenIdentity, gitlabConnector.user, resolveIdentityGroups). Every upstream call
 * goes through the shared bounded client of {@code dev.ferry.connector.upstream}; the token never
 * reaches a log. GitLab CI ID tokens (JWTs) are for an {@code oidc} connector instead.
 */
@NullMarked
package dev.ferry.connector.gitlab;

import org.jspecify.annotations.NullMarked;
