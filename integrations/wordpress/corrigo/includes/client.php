<?php
/**
 * Calls to Corrigo's HTTP API.
 *
 * @package Corrigo
 */

defined( 'ABSPATH' ) || exit;

/**
 * GET a path of Corrigo's API.
 *
 * Corrigo's address is set by an administrator, so the call may go to a private
 * address (a newsroom's own server); wp_remote_get rather than wp_safe_remote_get.
 *
 * @param string $base  Corrigo's address.
 * @param string $path  Path and query, starting with '/'.
 * @param string $token Optional API token.
 * @return array|WP_Error Array with 'status' and 'body' (decoded JSON, or null).
 */
function corrigo_api_get( $base, $path, $token = '' ) {
	$args = array(
		'timeout'     => 10,
		'redirection' => 0,
		'headers'     => array( 'Accept' => 'application/json' ),
	);
	if ( '' !== $token ) {
		$args['headers']['Authorization'] = 'Bearer ' . $token;
	}
	return corrigo_api_answer( wp_remote_get( untrailingslashit( $base ) . $path, $args ) );
}

/**
 * POST JSON to a path of Corrigo's API.
 *
 * @param string $base  Corrigo's address.
 * @param string $path  Path, starting with '/'.
 * @param array  $body  What to send as JSON.
 * @param string $token API token.
 * @return array|WP_Error Array with 'status' and 'body' (decoded JSON, or null).
 */
function corrigo_api_post( $base, $path, array $body, $token ) {
	$args = array(
		'timeout'     => 10,
		'redirection' => 0,
		'headers'     => array(
			'Accept'        => 'application/json',
			'Content-Type'  => 'application/json',
			'Authorization' => 'Bearer ' . $token,
		),
		'body'        => wp_json_encode( $body ),
	);
	return corrigo_api_answer( wp_remote_post( untrailingslashit( $base ) . $path, $args ) );
}

/**
 * The status and decoded body of an HTTP answer.
 *
 * @param array|WP_Error $response What wp_remote_* returned.
 * @return array|WP_Error
 */
function corrigo_api_answer( $response ) {
	if ( is_wp_error( $response ) ) {
		return $response;
	}
	return array(
		'status' => (int) wp_remote_retrieve_response_code( $response ),
		'body'   => json_decode( wp_remote_retrieve_body( $response ), true ),
	);
}
