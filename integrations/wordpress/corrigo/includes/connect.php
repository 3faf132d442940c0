<?php
/**
 * "Connect the corrections": a dedicated user who may edit every post, an application
 * password for it, shown once with the command that hands it to Corrigo's connector.
 *
 * @package Corrigo
 */

defined( 'ABSPATH' ) || exit;

/** Login of the user Corrigo writes corrections as. */
const CORRIGO_CONNECTOR_LOGIN = 'corrigo-connector';

/**
 * Handles the Connect button (admin-post.php?action=corrigo_connect).
 */
function corrigo_handle_connect() {
	if ( ! current_user_can( 'manage_options' ) || ! current_user_can( 'create_users' ) ) {
		wp_die( esc_html__( 'You may not connect Corrigo.', 'corrigo' ), '', array( 'response' => 403 ) );
	}
	check_admin_referer( 'corrigo_connect' );
	$result = corrigo_connect();
	if ( is_wp_error( $result ) ) {
		set_transient( 'corrigo_connect_error_' . get_current_user_id(), $result->get_error_message(), 300 );
	} else {
		// Shown once, to this administrator, on the next page view; then forgotten.
		set_transient( 'corrigo_new_password_' . get_current_user_id(), $result, 300 );
	}
	wp_safe_redirect( admin_url( 'options-general.php?page=corrigo#corrigo-connection' ) );
	exit;
}
add_action( 'admin_post_corrigo_connect', 'corrigo_handle_connect' );

/**
 * Creates (or finds) the dedicated user and gives it a new application password,
 * revoking the one the plugin made before.
 *
 * @return string|WP_Error The new password, in clear.
 */
function corrigo_connect() {
	if ( ! function_exists( 'wp_is_application_passwords_available' ) || ! wp_is_application_passwords_available() ) {
		return new WP_Error( 'corrigo', __( 'WordPress offers application passwords only over HTTPS (or on a local environment). Serve the site over HTTPS and try again.', 'corrigo' ) );
	}
	$user = get_user_by( 'login', CORRIGO_CONNECTOR_LOGIN );
	if ( ! $user ) {
		$user_id = wp_insert_user(
			array(
				'user_login'   => CORRIGO_CONNECTOR_LOGIN,
				'user_pass'    => wp_generate_password( 64, true, true ),
				'display_name' => __( 'Corrigo (corrections)', 'corrigo' ),
				'role'         => 'editor',
			)
		);
		if ( is_wp_error( $user_id ) ) {
			return $user_id;
		}
		$user = get_user_by( 'id', $user_id );
	}
	if ( ! user_can( $user, 'edit_others_posts' ) ) {
		$user->add_cap( 'edit_others_posts' );
	}
	$options = corrigo_options();
	if ( '' !== $options['connector_uuid'] && (int) $options['connector_user'] === $user->ID ) {
		WP_Application_Passwords::delete_application_password( $user->ID, $options['connector_uuid'] );
	}
	$created = WP_Application_Passwords::create_new_application_password( $user->ID, array( 'name' => 'Corrigo' ) );
	if ( is_wp_error( $created ) ) {
		return $created;
	}
	corrigo_update_options(
		array(
			'connector_user' => $user->ID,
			'connector_uuid' => $created[1]['uuid'],
		)
	);
	return WP_Application_Passwords::chunk_password( $created[0] );
}

/**
 * The "Connect the corrections" part of the settings page.
 *
 * @param array $options The plugin's settings.
 */
function corrigo_render_connect_section( array $options ) {
	$user_key = get_current_user_id();
	$password = get_transient( 'corrigo_new_password_' . $user_key );
	$error    = get_transient( 'corrigo_connect_error_' . $user_key );
	delete_transient( 'corrigo_new_password_' . $user_key );
	delete_transient( 'corrigo_connect_error_' . $user_key );
	$key     = '' !== $options['site_key'] ? $options['site_key'] : 'SITE_KEY';
	$command = sprintf( 'corrigo connector set %s --wordpress %s --user %s', $key, untrailingslashit( home_url() ), CORRIGO_CONNECTOR_LOGIN );
	?>
	<h2 id="corrigo-connection"><?php esc_html_e( 'Connect the corrections', 'corrigo' ); ?></h2>
	<p><?php esc_html_e( 'So that “Apply correction” in Corrigo changes the post here: the plugin creates the user corrigo-connector (an Editor) and an application password for it. WordPress keeps the old text as a revision.', 'corrigo' ); ?></p>
	<?php if ( $error ) : ?>
		<div class="notice notice-error inline"><p><?php echo esc_html( $error ); ?></p></div>
	<?php endif; ?>
	<?php if ( $password ) : ?>
		<div class="notice notice-success inline" id="corrigo-new-password">
			<p><?php esc_html_e( 'The application password, shown only now:', 'corrigo' ); ?> <code><?php echo esc_html( $password ); ?></code></p>
			<p><?php esc_html_e( 'On Corrigo’s server, run this and paste the password when asked:', 'corrigo' ); ?></p>
			<p><code><?php echo esc_html( $command ); ?></code></p>
		</div>
	<?php elseif ( '' !== $options['connector_uuid'] ) : ?>
		<p><?php esc_html_e( 'Connected: Corrigo has an application password of corrigo-connector. Connecting again replaces it (set the connector in Corrigo again).', 'corrigo' ); ?></p>
	<?php endif; ?>
	<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
		<input type="hidden" name="action" value="corrigo_connect">
		<?php wp_nonce_field( 'corrigo_connect' ); ?>
		<?php submit_button( '' !== $options['connector_uuid'] ? __( 'Connect again (new password)', 'corrigo' ) : __( 'Connect the corrections', 'corrigo' ), 'secondary', 'corrigo-connect', false ); ?>
	</form>
	<?php
}
