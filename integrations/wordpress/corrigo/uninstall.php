<?php
/**
 * Uninstalling Corrigo: its options and transients go, and so does the application
 * password it created (Corrigo can no longer write corrections here).
 *
 * The user corrigo-connector stays: the revisions of the corrections it wrote are
 * attributed to it, and deleting it would delete or reassign them.
 *
 * @package Corrigo
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

$corrigo_options = get_option( 'corrigo_settings', array() );
if ( is_array( $corrigo_options ) && ! empty( $corrigo_options['connector_uuid'] ) && ! empty( $corrigo_options['connector_user'] ) && class_exists( 'WP_Application_Passwords' ) ) {
	WP_Application_Passwords::delete_application_password( (int) $corrigo_options['connector_user'], (string) $corrigo_options['connector_uuid'] );
}
delete_option( 'corrigo_settings' );
delete_transient( 'corrigo_open_misprints' );
// The per-administrator transients (a password shown once, a connect error) too.
global $wpdb;
$wpdb->query( // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	$wpdb->prepare(
		"DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
		$wpdb->esc_like( '_transient_corrigo_' ) . '%',
		$wpdb->esc_like( '_transient_timeout_corrigo_' ) . '%'
	)
);
