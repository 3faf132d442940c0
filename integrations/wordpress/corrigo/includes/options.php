<?php
/**
 * The plugin's one option, its defaults and how a submitted form becomes it.
 *
 * @package Corrigo
 */

defined( 'ABSPATH' ) || exit;

/** Name of the option that holds every setting. */
const CORRIGO_OPTION = 'corrigo_settings';

/**
 * The settings a fresh install starts with.
 *
 * @return array
 */
function corrigo_defaults() {
	return array(
		'url'            => '',
		'site_key'       => '',
		'article'        => '.entry-content',
		'caption'        => true,
		'load_on'        => 'posts',
		'token'          => '',
		'connector_user' => 0,
		'connector_uuid' => '',
	);
}

/**
 * The current settings, with defaults for anything missing.
 *
 * @return array
 */
function corrigo_options() {
	$stored = get_option( CORRIGO_OPTION, array() );
	return array_merge( corrigo_defaults(), is_array( $stored ) ? $stored : array() );
}

/**
 * Updates some settings, keeping the others.
 *
 * Called by the plugin's own actions (connect), which bypass the form's sanitising.
 *
 * @param array $changes Settings to change.
 */
function corrigo_update_options( array $changes ) {
	$options = array_merge( corrigo_options(), $changes );
	remove_filter( 'sanitize_option_' . CORRIGO_OPTION, 'corrigo_sanitize_form' );
	update_option( CORRIGO_OPTION, $options );
}

/**
 * This WordPress's origin (scheme, host and port), as Corrigo's allowed origins hold it.
 *
 * @return string
 */
function corrigo_site_origin() {
	$parts  = wp_parse_url( home_url() );
	$origin = strtolower( $parts['scheme'] . '://' . $parts['host'] );
	if ( isset( $parts['port'] ) ) {
		$origin .= ':' . $parts['port'];
	}
	return $origin;
}

/**
 * The post types the widget loads on, from the "where" setting, for developers to change.
 *
 * @return string[]
 */
function corrigo_post_types() {
	$choice = corrigo_options()['load_on'];
	$types  = array(
		'posts' => array( 'post' ),
		'pages' => array( 'page' ),
		'both'  => array( 'post', 'page' ),
	);
	$chosen = isset( $types[ $choice ] ) ? $types[ $choice ] : $types['posts'];
	/**
	 * Filters the post types whose single views get the widget.
	 *
	 * @param string[] $chosen Post type names.
	 */
	return (array) apply_filters( 'corrigo_post_types', $chosen );
}
